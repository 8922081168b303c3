using System.Globalization;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.CallLogSeed;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// A known data set: six calls, two a day on June 1st-3rd 2024; odd calls by agent A, even by agent B; calls 1-3 in
/// campaign X over Twilio, 4-6 in the browser. Call i lasted i/2 minutes and used 10·i s of local STT, 20·i
/// Cartesia characters, and 100·i tokens in and 10·i out of OpenAI (odd calls) or 50·i in and 5·i out of the rules
/// responder (even calls). The figures are written as post-call processing writes them (<see cref="CallLogSeed"/>).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UsageTests(ApiFixture api)
{
    private readonly string _agentA = Ids.New();
    private readonly string _agentB = Ids.New();
    private readonly string _campaign = Ids.New();

    [Fact]
    public async Task Usage_sums_each_figure_by_provider_and_transport_per_day_and_in_total()
    {
        var tenant = await SeedAsync();

        var body = await GetAsync(tenant, "from=2024-06-01&to=2024-07-01");

        Assert.Equal(("2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"), (body["from"]!.GetValue<string>(), body["to"]!.GetValue<string>()));
        Assert.Equal("calls=6 call_minutes.twilio=3 call_minutes.websocket=7.5 llm_tokens_in.openai=900 llm_tokens_in.rules=600 "
            + "llm_tokens_out.openai=90 llm_tokens_out.rules=60 stt_audio_seconds.local=210 tts_characters.cartesia=420", Describe(body["totals"]!));
        Assert.Equal(
        [
            "2024-06-01 calls=2 call_minutes.twilio=1.5 llm_tokens_in.openai=100 llm_tokens_in.rules=100 llm_tokens_out.openai=10 llm_tokens_out.rules=10 stt_audio_seconds.local=30 tts_characters.cartesia=60",
            "2024-06-02 calls=2 call_minutes.twilio=1.5 call_minutes.websocket=2 llm_tokens_in.openai=300 llm_tokens_in.rules=200 llm_tokens_out.openai=30 llm_tokens_out.rules=20 stt_audio_seconds.local=70 tts_characters.cartesia=140",
            "2024-06-03 calls=2 call_minutes.websocket=5.5 llm_tokens_in.openai=500 llm_tokens_in.rules=300 llm_tokens_out.openai=50 llm_tokens_out.rules=30 stt_audio_seconds.local=110 tts_characters.cartesia=220",
        ], Days(body));
    }

    [Fact]
    public async Task Usage_filtered_by_agent_campaign_both_or_dates_counts_only_those_calls()
    {
        var tenant = await SeedAsync();
        const string June = "from=2024-06-01&to=2024-07-01";

        Assert.Equal("calls=3 call_minutes.twilio=2 call_minutes.websocket=2.5 llm_tokens_in.openai=900 llm_tokens_out.openai=90 stt_audio_seconds.local=90 tts_characters.cartesia=180",
            Describe((await GetAsync(tenant, $"{June}&agent_id={_agentA}"))["totals"]!));
        Assert.Equal("calls=3 call_minutes.twilio=3 llm_tokens_in.openai=400 llm_tokens_in.rules=100 llm_tokens_out.openai=40 llm_tokens_out.rules=10 stt_audio_seconds.local=60 tts_characters.cartesia=120",
            Describe((await GetAsync(tenant, $"{June}&campaign_id={_campaign}"))["totals"]!));
        // An agent within a campaign has no daily document of its own: the call logs answer it, with the same figures.
        var both = await GetAsync(tenant, $"{June}&agent_id={_agentA}&campaign_id={_campaign}");
        Assert.Equal("calls=2 call_minutes.twilio=2 llm_tokens_in.openai=400 llm_tokens_out.openai=40 stt_audio_seconds.local=40 tts_characters.cartesia=80", Describe(both["totals"]!));
        Assert.Equal(["2024-06-01", "2024-06-02"], Days(both).Select(d => d[..10]));
        var second = await GetAsync(tenant, "from=2024-06-02&to=2024-06-03");
        Assert.Equal("calls=2 call_minutes.twilio=1.5 call_minutes.websocket=2 llm_tokens_in.openai=300 llm_tokens_in.rules=200 llm_tokens_out.openai=30 llm_tokens_out.rules=20 stt_audio_seconds.local=70 tts_characters.cartesia=140",
            Describe(second["totals"]!));
        Assert.Single(Days(second));
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_the_usage()
    {
        await SeedAsync();
        var other = await api.SignupAsync("usage-other");

        var body = await GetAsync(other, "from=2024-06-01&to=2024-07-01");

        Assert.Equal("calls=0", Describe(body["totals"]!));
        Assert.Empty(body["days"]!.AsArray());
    }

    [Fact]
    public async Task Without_dates_usage_covers_the_30_days_up_to_today()
    {
        var tenant = await api.SignupAsync("usage-default");
        var today = DateTime.UtcNow.Date;
        await api.InsertAsync([WithUsage(Log(tenant.TenantId, today.AddHours(1), _agentA), 1, "websocket"), WithUsage(Log(tenant.TenantId, today.AddDays(-40), _agentA), 2, "websocket")]);

        var body = await GetAsync(tenant, "");

        Assert.Equal((today.AddDays(-29), today.AddDays(1)), (body["from"]!.GetValue<DateTime>().ToUniversalTime(), body["to"]!.GetValue<DateTime>().ToUniversalTime()));
        Assert.Equal([today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], Days(body).Select(d => d[..10]));
        Assert.Equal(1, body["totals"]!["calls"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("from=2024-06-02T10:00:00Z", "from")]
    [InlineData("from=2024-06-01&to=2024-06-03T00:00:01Z", "to")]
    [InlineData("from=2024-06-03&to=2024-06-02", "to")]
    [InlineData("from=2024-01-01&to=2025-06-01", "to")]
    [InlineData("from=soon", "from")]
    [InlineData("agent_id=abc", "agent_id")]
    [InlineData("campaign_id=0123456789abcdef0123456z", "campaign_id")]
    public async Task Usage_with_a_bad_parameter_returns_a_validation_problem_naming_it(string query, string field)
    {
        var tenant = await api.SignupAsync("usage-bad");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.GetAsync($"usage?{query}"), 400, field);
    }

    [Fact]
    public async Task Usage_requires_a_token()
    {
        using var anon = api.Client();
        await Problems.AssertProblem(await anon.GetAsync("usage"), 401);
    }

    private async Task<TenantSession> SeedAsync()
    {
        var tenant = await api.SignupAsync("usage");
        var logs = new List<CallLog>();
        for (var i = 1; i <= 6; i++)
        {
            var createdAt = new DateTime(2024, 6, (i + 1) / 2, 10, i, 0, DateTimeKind.Utc);
            var log = Log(tenant.TenantId, createdAt, i % 2 == 1 ? _agentA : _agentB, i <= 3 ? _campaign : null, durationSeconds: 30 * i);
            logs.Add(WithUsage(log, i, i <= 3 ? "twilio" : "websocket"));
        }
        await api.InsertAsync(logs);
        return tenant;
    }

    private static CallLog WithUsage(CallLog log, int i, string transport)
    {
        var (llm, tokensIn, tokensOut) = i % 2 == 1 ? ("openai", 100L * i, 10L * i) : ("rules", 50L * i, 5L * i);
        log.Usage = new CallUsage
        {
            SttAudioSeconds = new() { ["local"] = 10 * i },
            LlmTokensIn = new() { [llm] = tokensIn },
            LlmTokensOut = new() { [llm] = tokensOut },
            TtsCharacters = new() { ["cartesia"] = 20 * i },
            CallMinutes = new() { [transport] = log.DurationSeconds / 60 },
        };
        return log;
    }

    private static async Task<JsonNode> GetAsync(TenantSession tenant, string query)
    {
        using var client = tenant.Client();
        return await TenantSession.Read(await client.GetAsync($"usage?{query}"), 200);
    }

    /// <summary>A figures object as one line: its calls, then every figure as field.key=value, in order.</summary>
    private static string Describe(JsonNode figures)
    {
        var parts = new List<string> { $"calls={figures["calls"]!.GetValue<long>()}" };
        foreach (var field in new[] { "call_minutes", "llm_tokens_in", "llm_tokens_out", "stt_audio_seconds", "tts_characters" })
        {
            foreach (var (key, value) in figures[field]!.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                parts.Add($"{field}.{key}={value!.GetValue<double>().ToString(CultureInfo.InvariantCulture)}");
            }
        }
        return string.Join(' ', parts);
    }

    private static List<string> Days(JsonNode body) =>
        body["days"]!.AsArray().Select(d => $"{d!["date"]!.GetValue<string>()} {Describe(d)}").ToList();
}
