using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.PostCall;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// Tenant A owns an agent, a running campaign, a member, a call log and its transcript. Tenant B must not see, change or even
/// learn of any of them: every id of A's answers B with 404, and no list of B's holds A's data.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFixture api)
{
    private sealed record World(
        TenantSession A, TenantSession B, string AgentId, string CampaignId, string MemberId, string CallId, string BAgentId,
        Dictionary<string, JsonNode> Snapshots)
    {
        public IEnumerable<string> AIds => [AgentId, CampaignId, MemberId, CallId, A.UserId, A.TenantId];

        public string Path(string template) => template
            .Replace("{agent}", AgentId, StringComparison.Ordinal)
            .Replace("{campaign}", CampaignId, StringComparison.Ordinal)
            .Replace("{member}", MemberId, StringComparison.Ordinal)
            .Replace("{call}", CallId, StringComparison.Ordinal);
    }

    private static readonly SeededOnce<World> Seeded = new(SeedAsync);

    private static async Task<World> SeedAsync(ApiFixture api)
    {
        var a = await api.SignupAsync("tenant-a");
        var b = await api.SignupAsync("tenant-b");
        var agentId = (await a.CreateAgentAsync("A's agent"))["id"]!.GetValue<string>();
        var campaignId = (await a.CreateCampaignAsync(agentId, "+14155550100", "+14155550101"))["id"]!.GetValue<string>();
        using var client = a.Client();
        // Running, so that B's pause or cancel would succeed and B's deletes would hit "in use" if ownership were ignored.
        await TenantSession.Read(await client.PostAsync($"campaigns/{campaignId}/start", null), 200);
        var member = await TenantSession.Read(await client.PostAsync("members", ApiFixture.Json(new
        {
            email = $"member-{Guid.NewGuid():N}@example.com",
            name = "A's member",
            role = "user",
            password = "member-orchid-lantern-73",
        })), 201);
        var memberId = member["id"]!.GetValue<string>();

        var callId = Ids.New();
        var records = api.Services.GetRequiredService<CallRecords>();
        var started = DateTime.UtcNow.AddMinutes(-5);
        await records.UpsertCallLogAsync(new CallLog
        {
            Id = callId,
            TenantId = a.TenantId,
            AgentId = agentId,
            CampaignId = campaignId,
            PhoneNumber = "+14155550100",
            Status = CallStatus.Completed,
            EndReason = "hangup",
            StartedAt = started,
            EndedAt = started.AddSeconds(42),
            DurationSeconds = 42,
            Turns = [new TurnMetrics { Turn = 1, VoiceToVoiceMs = 640, SttMs = 120, LlmTtftMs = 210, TtsTtfbMs = 90 }],
        }, CancellationToken.None);
        await records.UpsertTranscriptAsync(new Transcript
        {
            Id = callId,
            TenantId = a.TenantId,
            Turns =
            [
                new TranscriptTurn { Speaker = "agent", Text = "Hello, how can I help?", StartMs = 0, EndMs = 1200 },
                new TranscriptTurn { Speaker = "user", Text = "I would like to book a table.", StartMs = 1800, EndMs = 3500 },
            ],
        }, CancellationToken.None);

        var bAgentId = (await b.CreateAgentAsync("B's agent"))["id"]!.GetValue<string>();
        var world = new World(a, b, agentId, campaignId, memberId, callId, bAgentId, []);
        foreach (var resource in new[] { "agent", "campaign", "member", "call", "transcript" })
        {
            world.Snapshots[resource] = await ReadAsAAsync(world, resource);
        }
        return world;
    }

    /// <summary>How A reads one of its resources; members have no GET by id, so A finds it in the list.</summary>
    private static async Task<JsonNode> ReadAsAAsync(World w, string resource)
    {
        using var client = w.A.Client();
        return resource switch
        {
            "agent" => await TenantSession.Read(await client.GetAsync($"agents/{w.AgentId}"), 200),
            "campaign" => await TenantSession.Read(await client.GetAsync($"campaigns/{w.CampaignId}"), 200),
            "member" => (await TenantSession.Read(await client.GetAsync("members"), 200))["items"]!.AsArray()
                .Single(m => m!["id"]!.GetValue<string>() == w.MemberId)!,
            "call" => await TenantSession.Read(await client.GetAsync($"call-logs/{w.CallId}"), 200),
            "transcript" => await TenantSession.Read(await client.GetAsync($"transcripts/{w.CallId}"), 200),
            _ => throw new ArgumentOutOfRangeException(nameof(resource)),
        };
    }

    /// <summary>Every verb on every id of A's: the method, the route, and which of A's resources it aims at.</summary>
    public static TheoryData<string, string, string> EveryVerbOnEveryResource => new()
    {
        { "GET", "agents/{agent}", "agent" },
        { "PUT", "agents/{agent}", "agent" },
        { "DELETE", "agents/{agent}", "agent" },
        { "GET", "campaigns/{campaign}", "campaign" },
        { "PUT", "campaigns/{campaign}", "campaign" },
        { "DELETE", "campaigns/{campaign}", "campaign" },
        { "POST", "campaigns/{campaign}/start", "campaign" },
        { "POST", "campaigns/{campaign}/pause", "campaign" },
        { "POST", "campaigns/{campaign}/resume", "campaign" },
        { "POST", "campaigns/{campaign}/cancel", "campaign" },
        { "PATCH", "members/{member}", "member" },
        { "DELETE", "members/{member}", "member" },
        { "GET", "call-logs/{call}", "call" },
        { "GET", "transcripts/{call}", "transcript" },
    };

    [Theory]
    [MemberData(nameof(EveryVerbOnEveryResource))]
    public async Task Other_tenant_gets_404_and_changes_nothing(string method, string route, string resource)
    {
        var w = await Seeded.GetAsync(api);
        using var request = new HttpRequestMessage(new HttpMethod(method), w.Path(route)) { Content = BodyFor(w, method, route) };
        using var b = w.B.Client();
        var problem = await Problems.AssertNotFound(await b.SendAsync(request));
        foreach (var id in w.AIds)
        {
            Assert.DoesNotContain(id, problem["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        }

        var after = await ReadAsAAsync(w, resource);
        Assert.True(JsonNode.DeepEquals(w.Snapshots[resource], after), $"A's {resource} changed: {w.Snapshots[resource].ToJsonString()} -> {after.ToJsonString()}");
    }

    /// <summary>A body B could send for its own resource, so that only ownership decides the answer.</summary>
    private static HttpContent? BodyFor(World w, string method, string route) => (method, route.Split('/')[0]) switch
    {
        ("PUT", "agents") => ApiFixture.Json(TenantSession.ValidAgent("Taken over")),
        ("PUT", "campaigns") => ApiFixture.Json(new { name = "Taken over", agent_id = w.BAgentId, phone_numbers = new[] { "+14155550199" } }),
        ("PATCH", "members") => ApiFixture.Json(new { role = "admin" }),
        _ => null,
    };

    [Fact]
    public async Task Same_requests_from_the_owner_succeed()
    {
        // The 404s above are about ownership: the ids are real and A reaches every one of them.
        var w = await Seeded.GetAsync(api);
        foreach (var resource in new[] { "agent", "campaign", "member", "call", "transcript" })
        {
            Assert.True(JsonNode.DeepEquals(w.Snapshots[resource], await ReadAsAAsync(w, resource)));
        }
        using var a = w.A.Client();
        var transcript = await TenantSession.Read(await a.GetAsync($"transcripts/{w.CallId}"), 200);
        Assert.Equal(2, transcript["turns"]!.AsArray().Count);
        var call = await TenantSession.Read(await a.GetAsync($"call-logs/{w.CallId}"), 200);
        Assert.Equal(w.AgentId, call["agent_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lists_of_the_other_tenant_never_hold_the_owners_data()
    {
        var w = await Seeded.GetAsync(api);
        using var a = w.A.Client();
        using var b = w.B.Client();

        // A sees its own data in each list, so an empty list for B means isolation rather than nothing to find.
        Assert.Contains(await ItemIdsAsync(a, "agents"), id => id == w.AgentId);
        Assert.Contains(await ItemIdsAsync(a, "campaigns"), id => id == w.CampaignId);
        Assert.Contains(await ItemIdsAsync(a, "members"), id => id == w.MemberId);
        Assert.Contains(await ItemIdsAsync(a, "call-logs"), id => id == w.CallId);
        Assert.Contains(await ItemIdsAsync(a, $"call-logs?agent_id={w.AgentId}"), id => id == w.CallId);
        Assert.Contains(await ItemIdsAsync(a, $"call-logs?campaign_id={w.CampaignId}"), id => id == w.CallId);
        var analyticsA = await TenantSession.Read(await a.GetAsync("analytics"), 200);
        Assert.Equal(1, analyticsA["totals"]!["calls"]!.GetValue<long>());

        Assert.Equal(new[] { w.BAgentId }, await ItemIdsAsync(b, "agents"));
        Assert.Empty(await ItemIdsAsync(b, "campaigns"));
        Assert.Equal(new[] { w.B.UserId }, await ItemIdsAsync(b, "members"));
        Assert.Empty(await ItemIdsAsync(b, "call-logs"));
        Assert.Empty(await ItemIdsAsync(b, $"call-logs?agent_id={w.AgentId}"));
        Assert.Empty(await ItemIdsAsync(b, $"call-logs?campaign_id={w.CampaignId}"));
        Assert.Empty(await ItemIdsAsync(b, "call-logs?status=completed&phone_number=%2B14155550100"));

        foreach (var query in new[] { "analytics", $"analytics?agent_id={w.AgentId}", $"analytics?campaign_id={w.CampaignId}" })
        {
            var analytics = await TenantSession.Read(await b.GetAsync(query), 200);
            Assert.Equal(0, analytics["totals"]!["calls"]!.GetValue<long>());
            Assert.Empty(analytics["calls_per_day"]!.AsArray());
            Assert.Empty(analytics["by_status"]!.AsObject());
        }

        foreach (var list in new[] { "agents", "campaigns", "members", "call-logs", $"call-logs?agent_id={w.AgentId}", "analytics" })
        {
            var body = await (await b.GetAsync(list)).Content.ReadAsStringAsync();
            foreach (var id in w.AIds) Assert.DoesNotContain(id, body, StringComparison.Ordinal);
            Assert.DoesNotContain(w.A.Email, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Other_tenant_cannot_start_a_campaign_with_the_owners_agent()
    {
        var w = await Seeded.GetAsync(api);
        using var b = w.B.Client();
        var body = new { name = "Borrowed agent", agent_id = w.AgentId, phone_numbers = new[] { "+14155550100" } };
        await Problems.AssertProblem(await b.PostAsync("campaigns", ApiFixture.Json(body)), 400, "agent_id");
        Assert.Empty(await ItemIdsAsync(b, "campaigns"));
    }

    private static async Task<List<string>> ItemIdsAsync(HttpClient client, string path)
    {
        var page = await TenantSession.Read(await client.GetAsync(path), 200);
        return page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
    }
}
