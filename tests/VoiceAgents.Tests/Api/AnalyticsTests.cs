using System.Text.Json.Nodes;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.CallLogSeed;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// A known data set: twenty calls lasting 1 to 20 seconds. Calls 1-12 completed (one turn of i×100 ms voice to
/// voice), 13-17 failed, 18-19 no answer, 20 busy; calls 1-8 on June 1st (call 8 at its last millisecond), 9-15 on
/// the 2nd, 16-20 on the 3rd; odd calls by agent A, even by agent B; calls 1-10 in campaign X.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AnalyticsTests(ApiFixture api)
{
    private readonly string _agentA = Ids.New();
    private readonly string _agentB = Ids.New();
    private readonly string _campaign = Ids.New();

    [Fact]
    public async Task Analytics_over_all_calls_computes_totals_percentiles_days_statuses_and_latency()
    {
        var tenant = await SeedAsync();

        var body = await GetAsync(tenant, "");

        AssertTotals(body, calls: 20, completed: 12, failed: 5);
        AssertDurations(body, average: 10.5, p50: 10, p95: 19);
        AssertDays(body, ("2024-06-01", 8), ("2024-06-02", 7), ("2024-06-03", 5));
        AssertStatuses(body, ("busy", 1), ("completed", 12), ("failed", 5), ("no_answer", 2));
        Assert.Equal(650, body["avg_voice_to_voice_ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task Analytics_filtered_by_agent_counts_only_that_agents_calls()
    {
        var tenant = await SeedAsync();

        var body = await GetAsync(tenant, $"agent_id={_agentA}");

        AssertTotals(body, calls: 10, completed: 6, failed: 3);
        AssertDurations(body, average: 10, p50: 9, p95: 17);
        AssertDays(body, ("2024-06-01", 4), ("2024-06-02", 4), ("2024-06-03", 2));
        AssertStatuses(body, ("completed", 6), ("failed", 3), ("no_answer", 1));
        Assert.Equal(600, body["avg_voice_to_voice_ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task Analytics_filtered_by_campaign_counts_only_that_campaigns_calls()
    {
        var tenant = await SeedAsync();

        var body = await GetAsync(tenant, $"campaign_id={_campaign}");

        AssertTotals(body, calls: 10, completed: 10, failed: 0);
        AssertDurations(body, average: 5.5, p50: 5, p95: 9);
        AssertDays(body, ("2024-06-01", 8), ("2024-06-02", 2));
        AssertStatuses(body, ("completed", 10));
        Assert.Equal(550, body["avg_voice_to_voice_ms"]!.GetValue<double>());
    }

    [Fact]
    public async Task Analytics_over_a_date_range_includes_from_and_excludes_to()
    {
        var tenant = await SeedAsync();

        var body = await GetAsync(tenant, "from=2024-06-02&to=2024-06-03");

        Assert.Equal(new DateTime(2024, 6, 2, 0, 0, 0, DateTimeKind.Utc), body["from"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(new DateTime(2024, 6, 3, 0, 0, 0, DateTimeKind.Utc), body["to"]!.GetValue<DateTime>().ToUniversalTime());
        AssertTotals(body, calls: 7, completed: 4, failed: 3);
        AssertDurations(body, average: 12, p50: 12, p95: 14);
        AssertDays(body, ("2024-06-02", 7));
        AssertStatuses(body, ("completed", 4), ("failed", 3));
        Assert.Equal(1050, body["avg_voice_to_voice_ms"]!.GetValue<double>());

        var combined = await GetAsync(tenant, $"agent_id={_agentA}&campaign_id={_campaign}&from=2024-06-01T00:00:00Z&to=2024-06-02T00:00:00Z");
        AssertTotals(combined, calls: 4, completed: 4, failed: 0);
        AssertDurations(combined, average: 4, p50: 3, p95: 5);
        AssertDays(combined, ("2024-06-01", 4));
    }

    [Fact]
    public async Task Analytics_of_a_tenant_without_calls_answers_zeros_and_no_figures()
    {
        var tenant = await api.SignupAsync("analytics-empty");
        // Another tenant's calls must not leak into these figures.
        await SeedAsync();

        var body = (await GetAsync(tenant, "")).AsObject();

        AssertTotals(body, calls: 0, completed: 0, failed: 0);
        var durations = body["duration_seconds"]!.AsObject();
        Assert.All(["average", "p50", "p95"], name => Assert.Null(durations[name]));
        Assert.Empty(body["calls_per_day"]!.AsArray());
        Assert.Empty(body["by_status"]!.AsObject());
        Assert.Null(body["avg_voice_to_voice_ms"]);
    }

    [Fact]
    public async Task Analytics_of_a_range_without_calls_answers_zeros()
    {
        var tenant = await SeedAsync();

        var body = await GetAsync(tenant, "from=2023-01-01&to=2023-02-01");

        AssertTotals(body, calls: 0, completed: 0, failed: 0);
        Assert.Empty(body["calls_per_day"]!.AsArray());
        Assert.Null(body["duration_seconds"]!["p95"]);
    }

    [Theory]
    [InlineData("from=2024-06-03&to=2024-06-02", "to")]
    [InlineData("from=2024-06-03&to=2024-06-03", "to")]
    [InlineData("from=soon", "from")]
    [InlineData("agent_id=abc", "agent_id")]
    [InlineData("campaign_id=0123456789abcdef0123456z", "campaign_id")]
    public async Task Analytics_with_a_malformed_parameter_returns_400_naming_it(string query, string field)
    {
        var tenant = await api.SignupAsync("analytics-bad");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.GetAsync($"analytics?{query}"), 400, field);
    }

    [Fact]
    public async Task Analytics_requires_a_token()
    {
        using var anon = api.Client();
        await Problems.AssertProblem(await anon.GetAsync("analytics"), 401);
    }

    private async Task<TenantSession> SeedAsync()
    {
        var tenant = await api.SignupAsync("analytics");
        var logs = new List<CallLog>();
        for (var i = 1; i <= 20; i++)
        {
            var day = i <= 8 ? 1 : i <= 15 ? 2 : 3;
            var createdAt = i == 8
                ? new DateTime(2024, 6, 1, 23, 59, 59, 999, DateTimeKind.Utc)
                : new DateTime(2024, 6, day, 10, i, 0, DateTimeKind.Utc);
            var status = i switch
            {
                <= 12 => CallStatus.Completed,
                <= 17 => CallStatus.Failed,
                <= 19 => CallStatus.NoAnswer,
                _ => CallStatus.Busy,
            };
            logs.Add(Log(tenant.TenantId, createdAt, i % 2 == 1 ? _agentA : _agentB, i <= 10 ? _campaign : null, "+14155550100",
                status, durationSeconds: i, voiceToVoiceMs: status == CallStatus.Completed ? [i * 100] : []));
        }
        await api.InsertAsync(logs);
        return tenant;
    }

    private static async Task<JsonNode> GetAsync(TenantSession tenant, string query)
    {
        using var client = tenant.Client();
        return await TenantSession.Read(await client.GetAsync($"analytics?{query}"), 200);
    }

    private static void AssertTotals(JsonNode body, long calls, long completed, long failed)
    {
        var totals = body["totals"]!;
        Assert.Equal((calls, completed, failed),
            (totals["calls"]!.GetValue<long>(), totals["completed"]!.GetValue<long>(), totals["failed"]!.GetValue<long>()));
    }

    private static void AssertDurations(JsonNode body, double average, double p50, double p95)
    {
        var d = body["duration_seconds"]!;
        Assert.Equal((average, p50, p95), (d["average"]!.GetValue<double>(), d["p50"]!.GetValue<double>(), d["p95"]!.GetValue<double>()));
    }

    private static void AssertDays(JsonNode body, params (string Date, long Calls)[] expected) =>
        Assert.Equal(expected, body["calls_per_day"]!.AsArray().Select(d => (d!["date"]!.GetValue<string>(), d["calls"]!.GetValue<long>())));

    private static void AssertStatuses(JsonNode body, params (string Status, long Calls)[] expected) =>
        Assert.Equal(expected, body["by_status"]!.AsObject().Select(s => (s.Key, s.Value!.GetValue<long>())).OrderBy(s => s.Key, StringComparer.Ordinal));
}
