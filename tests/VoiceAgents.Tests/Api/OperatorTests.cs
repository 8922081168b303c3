using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>The operator's routes: only the operator key opens them, never a member's token.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperatorTests(ApiFixture api)
{
    private const string Number = "%2B14155550142";

    /// <summary>Every operator route, with a body where it takes one; {tenant} is a real tenant's id.</summary>
    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "operator/tenants/{tenant}/numbers" },
        { "PUT", $"operator/tenants/{{tenant}}/numbers/{Number}" },
        { "DELETE", $"operator/tenants/{{tenant}}/numbers/{Number}" },
        { "GET", "operator/tenants/{tenant}/limits" },
        { "PUT", "operator/tenants/{tenant}/limits" },
    };

    private static HttpRequestMessage Request(string method, string route, string tenantId) =>
        new(new HttpMethod(method), route.Replace("{tenant}", tenantId, StringComparison.Ordinal))
        {
            Content = route.EndsWith("limits", StringComparison.Ordinal) && method == "PUT" ? ApiFixture.Json(new { max_concurrent_calls = 4 }) : null,
        };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_members_token_a_wrong_key_or_none_gets_401_and_changes_nothing(string method, string route)
    {
        var tenant = await api.SignupAsync("operator-refused");
        using var admin = tenant.Client();
        using var wrong = api.Client(ApiFixture.OperatorKey[..^1] + "x");
        using var none = api.Client();

        foreach (var client in new[] { admin, wrong, none })
        {
            var response = await client.SendAsync(Request(method, route, tenant.TenantId));
            await Problems.AssertProblem(response, 401);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }
        var stored = await api.Services.GetRequiredService<MongoContext>().Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync();
        Assert.Null(stored.MaxConcurrentCalls);
        Assert.Equal(0, await api.Services.GetRequiredService<MongoContext>().InboundNumbers.CountDocumentsAsync(n => n.TenantId == tenant.TenantId));
    }

    [Fact]
    public async Task The_operator_key_does_not_open_a_members_routes()
    {
        using var operatorClient = api.OperatorClient();
        await Problems.AssertProblem(await operatorClient.GetAsync("agents"), 401);
        await Problems.AssertProblem(await operatorClient.GetAsync("auth/me"), 401);
    }

    [Fact]
    public async Task The_operator_sets_a_tenants_concurrent_call_cap_and_null_restores_the_default()
    {
        var tenant = await api.SignupAsync("operator-limits");
        using var operatorClient = api.OperatorClient();
        var db = api.Services.GetRequiredService<MongoContext>();

        var initial = await TenantSession.Read(await operatorClient.GetAsync($"operator/tenants/{tenant.TenantId}/limits"), 200);
        var set = await TenantSession.Read(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/limits",
            ApiFixture.Json(new { max_concurrent_calls = 3, calls_per_second = 0.5 })), 200);
        var stored = await db.Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync();
        var cleared = await TenantSession.Read(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/limits",
            ApiFixture.Json(new { max_concurrent_calls = (int?)null })), 200);

        Assert.Null(initial["max_concurrent_calls"]);
        Assert.Equal(10, initial["effective_max_concurrent_calls"]!.GetValue<int>());
        Assert.Equal((3, 0.5), (set["max_concurrent_calls"]!.GetValue<int>(), set["calls_per_second"]!.GetValue<double>()));
        Assert.Equal(3, set["effective_max_concurrent_calls"]!.GetValue<int>());
        Assert.Equal((3, 0.5), (stored.MaxConcurrentCalls, stored.CallsPerSecond));
        Assert.Null(cleared["max_concurrent_calls"]);
        Assert.Equal(10, cleared["effective_max_concurrent_calls"]!.GetValue<int>());
        Assert.Null((await db.Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).MaxConcurrentCalls);
    }

    [Theory]
    [InlineData("{\"max_concurrent_calls\": -1}", "max_concurrent_calls")]
    [InlineData("{\"max_concurrent_calls\": 10001}", "max_concurrent_calls")]
    [InlineData("{\"max_concurrent_calls\": \"ten\"}", "max_concurrent_calls")]
    [InlineData("{\"calls_per_second\": 0}", "calls_per_second")]
    public async Task Bad_limits_are_a_400_naming_the_field(string body, string field)
    {
        var tenant = await api.SignupAsync("operator-bad-limits");
        using var operatorClient = api.OperatorClient();
        await Problems.AssertProblem(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/limits", ApiFixture.RawJson(body)), 400, field);
    }

    [Fact]
    public async Task An_unknown_tenant_is_a_404_and_a_malformed_one_a_400()
    {
        using var operatorClient = api.OperatorClient();
        await Problems.AssertNotFound(await operatorClient.GetAsync($"operator/tenants/{Ids.New()}/limits"));
        await Problems.AssertNotFound(await operatorClient.PutAsync($"operator/tenants/{Ids.New()}/numbers/{Number}", null));
        await Problems.AssertProblem(await operatorClient.GetAsync("operator/tenants/nope/numbers"), 400, "tenant_id");
        await Problems.AssertProblem(await operatorClient.PutAsync($"operator/tenants/{Ids.New()}/numbers/12345", null), 400, "phone_number");
    }

    [Fact]
    public async Task Without_an_operator_key_configured_the_operator_routes_are_not_found()
    {
        var runner = new ApiFixture();
        runner.Settings["Operator:ApiKey"] = "";
        await runner.InitializeAsync();
        try
        {
            var tenant = await runner.SignupAsync("no-operator");
            foreach (var (method, route) in Routes.Select(r => ((string)r[0], (string)r[1])))
            {
                using var client = runner.Client(ApiFixture.OperatorKey);
                await Problems.AssertNotFound(await client.SendAsync(Request(method, route, tenant.TenantId)));
            }
        }
        finally
        {
            await runner.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_operator_key_shorter_than_32_characters_stops_the_app_at_start()
    {
        var settings = ApiFixture.StackSettings("test_operator_short", "test-operator-short");
        settings["Operator:ApiKey"] = "too-short";
        await using var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(settings);
        });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Operator:ApiKey", refused.Message, StringComparison.Ordinal);
    }
}
