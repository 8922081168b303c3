using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// Call tokens: a member or an API key with the calls scope gets one for an agent and its variables; a browser calls
/// with it once, within its lifetime, and only that agent.
/// </summary>
[Collection(CallAuthCollection.Name)]
public sealed class WebCallTests(CallAuthFixture f)
{
    private static async Task<string> AgentAsync(TenantSession tenant, string firstMessage = "Hello, how can I help?") =>
        await tenant.CreateAgentSayingAsync(firstMessage);

    public static async Task<JsonNode> WebCallAsync(HttpClient client, string agentId, object? body = null) =>
        await TenantSession.Read(await client.PostAsync($"agents/{agentId}/web-calls", ApiFixture.Json(body ?? new { })), 201);

    private async Task<VoiceClient> CallAsync(object auth)
    {
        var client = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri);
        await client.SendJsonAsync(auth);
        return client;
    }

    [Fact]
    public async Task Member_gets_a_five_minute_token_and_the_browser_calls_the_agent_with_its_variables()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant, "Hello {{ name }}, welcome back.");
        using var http = tenant.Client();
        var before = DateTime.UtcNow;
        var grant = await WebCallAsync(http, agentId, new { variables = new Dictionary<string, string> { ["name"] = "Ada" } });

        var token = grant["token"]!.GetValue<string>();
        Assert.StartsWith("va_ct_", token);
        Assert.Equal(f.Voice.WebSocketUri.ToString(), grant["ws_url"]!.GetValue<string>());
        var expires = grant["expires_at"]!.GetValue<DateTime>().ToUniversalTime();
        Assert.InRange(expires - before, TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5.1));

        await using var client = await CallAsync(new { type = "auth", token });
        await client.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        var greeting = await client.WaitForAsync("transcript", TimeSpan.FromSeconds(10), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("Hello Ada, welcome back.", greeting["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_key_with_the_calls_scope_gets_a_token_and_one_without_gets_403()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        var (_, calls) = await ApiKeyTests.CreateKeyAsync(tenant, "calls");
        var (_, writer) = await ApiKeyTests.CreateKeyAsync(tenant, "read", "write");

        using (var refused = f.Api.Client(writer))
        {
            var problem = await TenantSession.Read(await refused.PostAsync($"agents/{agentId}/web-calls", ApiFixture.Json(new { })), 403);
            Assert.Contains("'calls' scope", problem["detail"]!.GetValue<string>());
        }
        using var server = f.Api.Client(calls);
        var token = (await WebCallAsync(server, agentId))["token"]!.GetValue<string>();
        await using var client = await CallAsync(new { type = "auth", token, agent_id = agentId });
        await client.WaitForAsync("ready", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Second_use_of_a_token_closes_4401_already_used()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        using var http = tenant.Client();
        var token = (await WebCallAsync(http, agentId))["token"]!.GetValue<string>();

        await using (var first = await CallAsync(new { type = "auth", token }))
        {
            await first.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        }
        await using var second = await CallAsync(new { type = "auth", token });
        await second.AssertClosedAsync(4401, "call token already used");
    }

    [Fact]
    public async Task Two_callers_racing_with_one_token_let_exactly_one_in()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        using var http = tenant.Client();
        var token = (await WebCallAsync(http, agentId))["token"]!.GetValue<string>();

        var callers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CallAsync(new { type = "auth", token })));
        var outcomes = await Task.WhenAll(callers.Select(async c =>
        {
            var closed = c.Closed.Task;
            var ready = c.WaitForAsync("ready", TimeSpan.FromSeconds(15));
            return await Task.WhenAny(ready, closed) == ready ? "ready" : $"{(int)c.CloseStatus!} {c.CloseReason}";
        }));
        foreach (var c in callers) await c.DisposeAsync();
        Assert.Single(outcomes, o => o == "ready");
        Assert.All(outcomes.Where(o => o != "ready"), o => Assert.Equal("4401 call token already used", o));
    }

    [Fact]
    public async Task Expired_token_closes_4401_expired()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        // The other instance's tokens last a second.
        using var http = f.Other.Client(tenant.AccessToken);
        var grant = await WebCallAsync(http, agentId);
        var expires = grant["expires_at"]!.GetValue<DateTime>().ToUniversalTime();
        Assert.True(expires - DateTime.UtcNow <= CallAuthFixture.ShortTokenLifetime, $"expires at {expires:O}");
        while (DateTime.UtcNow <= expires) await Task.Delay(expires - DateTime.UtcNow + TimeSpan.FromMilliseconds(50));

        await using var client = await CallAsync(new { type = "auth", token = grant["token"]!.GetValue<string>() });
        await client.AssertClosedAsync(4401, "call token expired");
    }

    [Fact]
    public async Task Token_for_another_agent_closes_4403_and_still_works_for_its_own()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        var otherAgent = await AgentAsync(tenant);
        using var http = tenant.Client();
        var token = (await WebCallAsync(http, agentId))["token"]!.GetValue<string>();

        await using (var wrong = await CallAsync(new { type = "auth", token, agent_id = otherAgent }))
        {
            await wrong.AssertClosedAsync(4403, "the call token is for another agent");
        }
        await using var right = await CallAsync(new { type = "auth", token, agent_id = agentId });
        await right.WaitForAsync("ready", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Token_carries_its_own_variables_so_the_auth_message_may_not_add_any()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        using var http = tenant.Client();
        var token = (await WebCallAsync(http, agentId))["token"]!.GetValue<string>();

        await using var client = await CallAsync(new { type = "auth", token, variables = new Dictionary<string, string> { ["name"] = "Eve" } });
        await client.AssertClosedAsync(4400, "carries its variables");
    }

    [Fact]
    public async Task Unknown_token_closes_4401()
    {
        await using var client = await CallAsync(new { type = "auth", token = "va_ct_" + new string('A', 43) });
        await client.AssertClosedAsync(4401, "invalid call token");
    }

    [Fact]
    public async Task Token_requests_for_an_unknown_agent_or_with_too_many_variables_are_refused()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        var stranger = await f.Api.SignupAsync("webcall");
        using var theirs = stranger.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.PostAsync($"agents/{agentId}/web-calls", ApiFixture.Json(new { }))).StatusCode);

        using var http = tenant.Client();
        var variables = Enumerable.Range(0, 51).ToDictionary(i => $"v{i}", i => "x");
        var problem = await TenantSession.Read(await http.PostAsync($"agents/{agentId}/web-calls", ApiFixture.Json(new { variables })), 400);
        Assert.Contains("at most 50 variables", problem["errors"]!["variables"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Member_jwt_still_opens_a_call()
    {
        var tenant = await f.Api.SignupAsync("webcall");
        var agentId = await AgentAsync(tenant);
        await using var client = await CallAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId });
        await client.WaitForAsync("ready", TimeSpan.FromSeconds(10));
    }
}
