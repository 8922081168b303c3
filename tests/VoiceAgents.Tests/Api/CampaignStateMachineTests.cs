using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>draft -> running (start), running &lt;-> paused (pause, resume), running|paused -> cancelled (cancel); anything else is 409.</summary>
[Collection(ApiCollection.Name)]
public sealed class CampaignStateMachineTests(ApiFixture api)
{
    private static readonly SeededOnce<(TenantSession Tenant, string AgentId)> Seed = new(async api =>
    {
        var tenant = await api.SignupAsync("states");
        return (tenant, (await tenant.CreateAgentAsync())["id"]!.GetValue<string>());
    });

    /// <summary>The actions that lead from a new draft to each reachable state.</summary>
    private static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["draft"] = [],
        ["running"] = ["start"],
        ["paused"] = ["start", "pause"],
        ["cancelled"] = ["start", "cancel"],
    };

    private static readonly Dictionary<(string From, string Action), string> Allowed = new()
    {
        [("draft", "start")] = "running",
        [("running", "pause")] = "paused",
        [("running", "cancel")] = "cancelled",
        [("paused", "resume")] = "running",
        [("paused", "cancel")] = "cancelled",
    };

    public static TheoryData<string, string> EveryActionFromEveryState()
    {
        var data = new TheoryData<string, string>();
        foreach (var state in PathTo.Keys)
        {
            foreach (var action in new[] { "start", "pause", "resume", "cancel" }) data.Add(state, action);
        }
        return data;
    }

    private sealed record Setup(TenantSession Tenant, string AgentId, string Id);

    /// <summary>A new campaign of the shared tenant, driven to <paramref name="state"/>.</summary>
    private async Task<Setup> CampaignInAsync(string state)
    {
        var (tenant, agentId) = await Seed.GetAsync(api);
        var id = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();
        using var client = tenant.Client();
        foreach (var step in PathTo[state]) await TenantSession.Read(await client.PostAsync($"campaigns/{id}/{step}", null), 200);
        var current = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal(state, current["status"]!.GetValue<string>());
        return new Setup(tenant, agentId, id);
    }

    [Theory]
    [MemberData(nameof(EveryActionFromEveryState))]
    public async Task Action_moves_the_campaign_when_allowed_and_otherwise_returns_409(string state, string action)
    {
        var (tenant, _, id) = await CampaignInAsync(state);
        using var client = tenant.Client();
        var response = await client.PostAsync($"campaigns/{id}/{action}", null);

        if (Allowed.TryGetValue((state, action), out var to))
        {
            var campaign = await TenantSession.Read(response, 200);
            Assert.Equal(to, campaign["status"]!.GetValue<string>());
            Assert.Equal(id, campaign["id"]!.GetValue<string>());
        }
        else
        {
            var problem = await Problems.AssertProblem(response, 409);
            Assert.Contains(state, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            to = state;
        }
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal(to, read["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Full_lifecycle_start_pause_resume_cancel()
    {
        var (tenant, _, id) = await CampaignInAsync("draft");
        using var client = tenant.Client();
        var updatedAt = DateTime.MinValue;
        foreach (var (action, status) in new[] { ("start", "running"), ("pause", "paused"), ("resume", "running"), ("pause", "paused"), ("resume", "running"), ("cancel", "cancelled") })
        {
            var campaign = await TenantSession.Read(await client.PostAsync($"campaigns/{id}/{action}", null), 200);
            Assert.Equal(status, campaign["status"]!.GetValue<string>());
            var at = campaign["updated_at"]!.GetValue<DateTime>();
            Assert.True(at >= updatedAt, $"updated_at went back after {action}");
            updatedAt = at;
        }
    }

    [Theory]
    [InlineData("explode")]
    [InlineData("complete")]
    [InlineData("START")]
    [InlineData("start-now")]
    public async Task Unknown_action_returns_404(string action)
    {
        var (tenant, _, id) = await CampaignInAsync("draft");
        using var client = tenant.Client();
        await Problems.AssertNotFound(await client.PostAsync($"campaigns/{id}/{action}", null));
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal("draft", read["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("get")]
    [InlineData("put")]
    [InlineData("delete")]
    public async Task Actions_answer_only_post(string method)
    {
        var (tenant, _, id) = await CampaignInAsync("draft");
        using var client = tenant.Client();
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"campaigns/{id}/start"));
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"got {(int)response.StatusCode}");
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal("draft", read["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Running_campaign_cannot_be_deleted()
    {
        var (tenant, _, id) = await CampaignInAsync("running");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.DeleteAsync($"campaigns/{id}"), 409);
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal("running", read["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("paused")]
    [InlineData("cancelled")]
    public async Task Campaign_that_is_not_running_can_be_deleted(string state)
    {
        var (tenant, _, id) = await CampaignInAsync(state);
        using var client = tenant.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"campaigns/{id}")).StatusCode);
        await Problems.AssertNotFound(await client.GetAsync($"campaigns/{id}"));
    }

    [Fact]
    public async Task Cancelled_campaign_cannot_be_edited()
    {
        var (tenant, agentId, id) = await CampaignInAsync("cancelled");
        using var client = tenant.Client();
        var edit = new { name = "Too late", agent_id = agentId, phone_numbers = new[] { "+14155550199" } };
        await Problems.AssertProblem(await client.PutAsync($"campaigns/{id}", ApiFixture.Json(edit)), 409);
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal("Spring promo", read["name"]!.GetValue<string>());
        Assert.Equal("cancelled", read["status"]!.GetValue<string>());
        Assert.Equal(new[] { "+14155550100" }, read["phone_numbers"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("running")]
    [InlineData("paused")]
    public async Task Campaign_that_is_not_finished_can_be_edited_and_keeps_its_status(string state)
    {
        var (tenant, agentId, id) = await CampaignInAsync(state);
        using var client = tenant.Client();
        var edit = new { name = "Renamed", agent_id = agentId, phone_numbers = new[] { "+14155550199" } };
        var updated = await TenantSession.Read(await client.PutAsync($"campaigns/{id}", ApiFixture.Json(edit)), 200);
        Assert.Equal("Renamed", updated["name"]!.GetValue<string>());
        Assert.Equal(state, updated["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_starts_succeed_exactly_once()
    {
        var (tenant, _, id) = await CampaignInAsync("draft");
        using var client = tenant.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsync($"campaigns/{id}/start", null)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal("running", read["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_query_values_match_the_states_of_the_machine()
    {
        var (tenant, _, id) = await CampaignInAsync("paused");
        using var client = tenant.Client();
        var paused = await TenantSession.Read(await client.GetAsync("campaigns?status=paused&limit=200"), 200);
        Assert.Contains(paused["items"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
        Assert.All(paused["items"]!.AsArray(), c => Assert.Equal("paused", c!["status"]!.GetValue<string>()));
        var completed = await TenantSession.Read(await client.GetAsync("campaigns?status=completed"), 200);
        Assert.DoesNotContain(completed["items"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
    }
}
