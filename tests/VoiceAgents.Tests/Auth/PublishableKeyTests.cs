using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// Publishable keys: a web page's key to call some of the tenant's agents, from allowed origins only, within its
/// calls per minute and the tenant's concurrent-call cap.
/// </summary>
[Collection(CallAuthCollection.Name)]
public sealed class PublishableKeyTests(CallAuthFixture f)
{
    private const string Site = "http://127.0.0.1:5500";

    private static async Task<JsonNode> CreateKeyAsync(TenantSession admin, string agentId, int? callsPerMinute = null, params string[] origins)
    {
        using var client = admin.Client();
        var body = new { name = "Website", agent_ids = new[] { agentId }, allowed_origins = origins.Length > 0 ? origins : [Site], calls_per_minute = callsPerMinute };
        return await TenantSession.Read(await client.PostAsync("publishable-keys", ApiFixture.Json(body)), 201);
    }

    private async Task<VoiceClient> CallAsync(string? origin, object auth)
    {
        var client = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri, o =>
        {
            if (origin is not null) o.SetRequestHeader("Origin", origin);
        });
        await client.SendJsonAsync(auth);
        return client;
    }

    [Fact]
    public async Task Admin_creates_a_key_with_normalized_origins_that_is_listed_in_full()
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var key = await CreateKeyAsync(admin, agentId, null, "HTTPS://Shop.Example.com:443/", "http://127.0.0.1:5500");

        Assert.StartsWith("va_pk_", key["key"]!.GetValue<string>());
        Assert.Equal(["https://shop.example.com", "http://127.0.0.1:5500"], key["allowed_origins"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal(10, key["calls_per_minute"]!.GetValue<int>());
        using var client = admin.Client();
        var listed = Assert.Single((await TenantSession.Read(await client.GetAsync("publishable-keys"), 200))["items"]!.AsArray())!;
        Assert.Equal(key["key"]!.GetValue<string>(), listed["key"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"name":"x","agent_ids":["AGENT"],"allowed_origins":["http://127.0.0.1:5500/page"]}""", "allowed_origins[0]")]
    [InlineData("""{"name":"x","agent_ids":["AGENT"],"allowed_origins":["ftp://example.com"]}""", "allowed_origins[0]")]
    [InlineData("""{"name":"x","agent_ids":["AGENT"],"allowed_origins":[]}""", "allowed_origins")]
    [InlineData("""{"name":"x","agent_ids":["0123456789abcdef01234567"],"allowed_origins":["http://a.example"]}""", "agent_ids")]
    [InlineData("""{"name":"x","agent_ids":["AGENT"],"allowed_origins":["http://a.example"],"calls_per_minute":0}""", "calls_per_minute")]
    public async Task Bad_key_requests_get_400_naming_the_field(string body, string field)
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        using var client = admin.Client();
        var problem = await TenantSession.Read(await client.PostAsync("publishable-keys", ApiFixture.RawJson(body.Replace("AGENT", agentId))), 400);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Page_on_an_allowed_origin_calls_the_agent_with_its_variables()
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = await admin.CreateAgentSayingAsync("Hi {{ page }}.");
        var key = (await CreateKeyAsync(admin, agentId))["key"]!.GetValue<string>();

        await using var client = await CallAsync(Site, new { type = "auth", publishable_key = key, agent_id = agentId, variables = new Dictionary<string, string> { ["page"] = "pricing" } });
        await client.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        var greeting = await client.WaitForAsync("transcript", TimeSpan.FromSeconds(10), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("Hi pricing.", greeting["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("http://127.0.0.1:5501")]
    [InlineData("https://127.0.0.1:5500")]
    [InlineData("http://localhost:5500")]
    [InlineData(null)]
    public async Task Page_on_another_origin_is_refused_with_origin_not_allowed(string? origin)
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var key = (await CreateKeyAsync(admin, agentId))["key"]!.GetValue<string>();

        await using var client = await CallAsync(origin, new { type = "auth", publishable_key = key, agent_id = agentId });
        await client.AssertClosedAsync(4403, "origin not allowed");
    }

    [Fact]
    public async Task Key_calls_only_its_own_agents_and_never_a_campaign_contact()
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var otherAgent = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var key = (await CreateKeyAsync(admin, agentId))["key"]!.GetValue<string>();

        await using (var client = await CallAsync(Site, new { type = "auth", publishable_key = key, agent_id = otherAgent }))
        {
            await client.AssertClosedAsync(4403, "agent not allowed");
        }
        await using var contact = await CallAsync(Site, new { type = "auth", publishable_key = key, agent_id = agentId, phone_number = "+14155550100" });
        await contact.AssertClosedAsync(4403, "need a member's token");
    }

    [Fact]
    public async Task Calls_beyond_the_keys_calls_per_minute_close_4429()
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var key = (await CreateKeyAsync(admin, agentId, callsPerMinute: 2))["key"]!.GetValue<string>();
        var auth = new { type = "auth", publishable_key = key, agent_id = agentId };

        for (var i = 0; i < 2; i++)
        {
            await using var ok = await CallAsync(Site, auth);
            await ok.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        }
        await using var third = await CallAsync(Site, auth);
        await third.AssertClosedAsync(4429, "allows 2 calls a minute");
    }

    [Fact]
    public async Task The_tenants_concurrent_call_cap_applies_to_publishable_key_calls()
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var key = (await CreateKeyAsync(admin, agentId))["key"]!.GetValue<string>();
        using (var op = f.Api.OperatorClient())
        {
            await TenantSession.Read(await op.PutAsync($"operator/tenants/{admin.TenantId}/limits", ApiFixture.Json(new { max_concurrent_calls = 1 })), 200);
        }
        var auth = new { type = "auth", publishable_key = key, agent_id = agentId };

        await using var first = await CallAsync(Site, auth);
        await first.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        await using var second = await CallAsync(Site, auth);
        await second.AssertClosedAsync(1013, "limit of 1 concurrent calls");
    }

    [Fact]
    public async Task Deleted_key_closes_4401()
    {
        var admin = await f.Api.SignupAsync("pk");
        var agentId = (await admin.CreateAgentAsync())["id"]!.GetValue<string>();
        var key = await CreateKeyAsync(admin, agentId);
        using (var client = admin.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"publishable-keys/{key["id"]!.GetValue<string>()}")).StatusCode);
        }
        await using var call = await CallAsync(Site, new { type = "auth", publishable_key = key["key"]!.GetValue<string>(), agent_id = agentId });
        await call.AssertClosedAsync(4401, "unknown publishable key");
    }
}
