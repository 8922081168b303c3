using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Webhooks;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Webhooks;

/// <summary>A tenant has at most <c>Webhooks:MaxPerTenant</c> webhooks (20 by default), so one event cannot fan out without bound.</summary>
[Collection(StrictWebhooksCollection.Name)]
public sealed class WebhookCapTests(ApiFixture api)
{
    private const int Cap = 20;

    private static StringContent Body(int i) => ApiFixture.Json(new { url = $"https://93.184.215.14/hook/{i}", events = new[] { "call.completed" } });

    [Fact]
    public async Task The_twenty_first_webhook_is_refused_with_a_409_problem_until_one_is_deleted()
    {
        var tenant = await api.SignupAsync("webhook-cap");
        using var client = tenant.Client();
        var ids = new List<string>();
        for (var i = 0; i < Cap; i++) ids.Add((await TenantSession.Read(await client.PostAsync("webhooks", Body(i)), 201))["id"]!.GetValue<string>());

        var refused = await Problems.AssertProblem(await client.PostAsync("webhooks", Body(Cap)), 409);
        Assert.Contains("20 webhooks", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(204, (int)(await client.DeleteAsync($"webhooks/{ids[0]}")).StatusCode);
        await TenantSession.Read(await client.PostAsync("webhooks", Body(Cap)), 201);
        await Problems.AssertProblem(await client.PostAsync("webhooks", Body(Cap + 1)), 409);
    }

    [Fact]
    public async Task Concurrent_creates_never_pass_the_cap()
    {
        var tenant = await api.SignupAsync("webhook-cap-race");
        using var client = tenant.Client();

        var responses = await Task.WhenAll(Enumerable.Range(0, Cap + 10).Select(i => client.PostAsync("webhooks", Body(i))));

        Assert.Equal(Cap, responses.Count(r => (int)r.StatusCode == 201));
        Assert.Equal(10, responses.Count(r => (int)r.StatusCode == 409));
        var list = await TenantSession.Read(await client.GetAsync("webhooks?limit=200"), 200);
        Assert.Equal(Cap, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_tenant_from_before_the_cap_has_its_existing_webhooks_counted()
    {
        var tenant = await api.SignupAsync("webhook-cap-legacy");
        var db = api.Services.GetRequiredService<MongoContext>();
        await db.Webhooks.InsertManyAsync(Enumerable.Range(0, Cap - 1).Select(i => new Webhook
        {
            Id = Ids.New(), TenantId = tenant.TenantId, Url = $"https://93.184.215.14/old/{i}", Events = ["call.completed"],
            Secret = WebhookSignature.NewSecret(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        }));
        await db.Tenants.UpdateOneAsync(t => t.Id == tenant.TenantId, Builders<Tenant>.Update.Unset(t => t.WebhookCount));
        using var client = tenant.Client();

        await TenantSession.Read(await client.PostAsync("webhooks", Body(0)), 201);
        await Problems.AssertProblem(await client.PostAsync("webhooks", Body(1)), 409);

        Assert.Equal(Cap, (await db.Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).WebhookCount);
    }
}
