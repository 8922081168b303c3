using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Storage;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.CallLogSeed;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CallLogsTests(ApiFixture api)
{
    [Fact]
    public async Task List_returns_only_the_callers_call_logs_newest_first()
    {
        var tenant = await api.SignupAsync("calls");
        var other = await api.SignupAsync("calls-other");
        var mine = await api.InsertAsync([
            Log(tenant.TenantId, BaseTime.AddMinutes(1)),
            Log(tenant.TenantId, BaseTime.AddMinutes(3)),
            Log(tenant.TenantId, BaseTime.AddMinutes(2)),
        ]);
        await api.InsertAsync([Log(other.TenantId, BaseTime.AddMinutes(4))]);

        var page = await ListAsync(tenant, "");

        Assert.Equal(NewestFirst(mine), IdsOf(page));
        Assert.Null(page["next_cursor"]);
        var first = page["items"]![0]!;
        Assert.Equal("completed", first["status"]!.GetValue<string>());
        Assert.Equal("+14155550100", first["phone_number"]!.GetValue<string>());
        Assert.Equal(BaseTime.AddMinutes(3), first["created_at"]!.GetValue<DateTime>().ToUniversalTime());
    }

    [Fact]
    public async Task List_filters_on_campaign_agent_status_and_phone_number()
    {
        var tenant = await api.SignupAsync("calls-filter");
        string agentA = Ids.New(), agentB = Ids.New(), campaign = Ids.New();
        var logs = await api.InsertAsync([
            Log(tenant.TenantId, BaseTime.AddMinutes(1), agentA, campaign, "+14155550101", CallStatus.Completed),
            Log(tenant.TenantId, BaseTime.AddMinutes(2), agentA, campaign, "+14155550102", CallStatus.NoAnswer),
            Log(tenant.TenantId, BaseTime.AddMinutes(3), agentB, null, "+14155550101", CallStatus.Failed),
            Log(tenant.TenantId, BaseTime.AddMinutes(4), agentB, campaign, "+14155550103", CallStatus.Busy),
            Log(tenant.TenantId, BaseTime.AddMinutes(5), agentB, null, "+14155550104", CallStatus.InProgress),
        ]);

        Assert.Equal(NewestFirst(logs.Where(l => l.CampaignId == campaign)), IdsOf(await ListAsync(tenant, $"campaign_id={campaign}")));
        Assert.Equal(NewestFirst(logs.Where(l => l.AgentId == agentA)), IdsOf(await ListAsync(tenant, $"agent_id={agentA}")));
        Assert.Equal([logs[1].Id], IdsOf(await ListAsync(tenant, "status=no_answer")));
        Assert.Equal([logs[4].Id], IdsOf(await ListAsync(tenant, "status=in_progress")));
        Assert.Equal([logs[3].Id], IdsOf(await ListAsync(tenant, "status=busy")));
        Assert.Equal(NewestFirst([logs[0], logs[2]]), IdsOf(await ListAsync(tenant, "phone_number=%2B14155550101")));
        Assert.Equal([logs[2].Id], IdsOf(await ListAsync(tenant, $"agent_id={agentB}&status=failed&phone_number=%2B14155550101")));
        Assert.Empty(IdsOf(await ListAsync(tenant, $"agent_id={agentA}&status=busy")));
    }

    [Fact]
    public async Task List_filters_on_created_at_with_from_inclusive_and_to_exclusive()
    {
        var tenant = await api.SignupAsync("calls-range");
        var day1 = Log(tenant.TenantId, new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        var day2Start = Log(tenant.TenantId, new DateTime(2024, 5, 2, 0, 0, 0, DateTimeKind.Utc));
        var day2Late = Log(tenant.TenantId, new DateTime(2024, 5, 2, 23, 59, 59, 999, DateTimeKind.Utc));
        var day3Start = Log(tenant.TenantId, new DateTime(2024, 5, 3, 0, 0, 0, DateTimeKind.Utc));
        await api.InsertAsync([day1, day2Start, day2Late, day3Start]);

        Assert.Equal([day2Late.Id, day2Start.Id], IdsOf(await ListAsync(tenant, "from=2024-05-02&to=2024-05-03")));
        Assert.Equal([day3Start.Id, day2Late.Id, day2Start.Id], IdsOf(await ListAsync(tenant, "from=2024-05-02T00:00:00Z")));
        Assert.Equal([day1.Id], IdsOf(await ListAsync(tenant, "to=2024-05-02T00:00:00Z")));
        Assert.Equal([day2Late.Id], IdsOf(await ListAsync(tenant, "from=2024-05-02T23:59:59.999Z&to=2024-05-03T00:00:00Z")));
    }

    [Fact]
    public async Task List_pages_50_by_default_and_omits_next_cursor_on_the_last_page()
    {
        var tenant = await api.SignupAsync("calls-default");
        var logs = await api.InsertAsync(Enumerable.Range(0, 60).Select(i => Log(tenant.TenantId, BaseTime.AddSeconds(i))).ToList());

        var first = await ListAsync(tenant, "");
        Assert.Equal(50, IdsOf(first).Count);
        var cursor = first["next_cursor"]!.GetValue<string>();
        var last = await ListAsync(tenant, $"cursor={cursor}");

        Assert.Equal(NewestFirst(logs), IdsOf(first).Concat(IdsOf(last)));
        Assert.False(last.AsObject().ContainsKey("next_cursor"), last.ToJsonString());
    }

    [Fact]
    public async Task Paging_through_1100_call_logs_with_limit_200_returns_each_exactly_once_in_order()
    {
        var tenant = await api.SignupAsync("calls-1100");
        var logs = await api.InsertAsync(ManyLogs(tenant.TenantId, 1100));

        var seen = await WalkAsync(tenant, "limit=200");

        Assert.Equal(1100, seen.Count);
        Assert.Equal(1100, seen.Distinct().Count());
        Assert.Equal(NewestFirst(logs), seen);
    }

    [Fact]
    public async Task Paging_with_filters_walks_only_the_matching_call_logs_in_order()
    {
        var tenant = await api.SignupAsync("calls-1100-filtered");
        var logs = await api.InsertAsync(ManyLogs(tenant.TenantId, 1100));
        var campaign = logs[0].CampaignId!;
        var from = BaseTime.AddMinutes(100);
        var to = BaseTime.AddMinutes(900);

        var byCampaign = await WalkAsync(tenant, $"limit=200&campaign_id={campaign}");
        var expectedByCampaign = NewestFirst(logs.Where(l => l.CampaignId == campaign));
        Assert.True(expectedByCampaign.Count > 200, "the filter should still span several pages");
        Assert.Equal(expectedByCampaign, byCampaign);

        var failedInRange = await WalkAsync(tenant, $"limit=200&status=failed&from={Iso(from)}&to={Iso(to)}");
        var expectedFailed = NewestFirst(logs.Where(l => l.Status == CallStatus.Failed && l.CreatedAt >= from && l.CreatedAt < to));
        Assert.NotEmpty(expectedFailed);
        Assert.Equal(expectedFailed, failedInRange);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("status=ringing", "status")]
    [InlineData("status=1", "status")]
    [InlineData("phone_number=4155550100", "phone_number")]
    [InlineData("campaign_id=123", "campaign_id")]
    [InlineData("agent_id=zzzzzzzzzzzzzzzzzzzzzzzz", "agent_id")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2024-13-45", "to")]
    public async Task List_with_a_malformed_parameter_returns_400_naming_it(string query, string field)
    {
        var tenant = await api.SignupAsync("calls-bad");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.GetAsync($"call-logs?{query}"), 400, field);
    }

    [Fact]
    public async Task Call_log_routes_require_a_token()
    {
        using var anon = api.Client();
        await Problems.AssertProblem(await anon.GetAsync("call-logs"), 401);
        await Problems.AssertProblem(await anon.GetAsync($"call-logs/{Ids.New()}"), 401);
        await Problems.AssertProblem(await anon.GetAsync($"transcripts/{Ids.New()}"), 401);
    }

    [Fact]
    public async Task Get_returns_metadata_turn_metrics_and_a_recording_url_valid_for_15_minutes()
    {
        var tenant = await api.SignupAsync("calls-get");
        var callId = Ids.New();
        var audio = new byte[48_000];
        new Random(42).NextBytes(audio);
        var key = $"recordings/{tenant.TenantId}/{callId}.wav";
        await api.Services.GetRequiredService<IObjectStore>().PutAsync(key, new MemoryStream(audio), "audio/wav", CancellationToken.None);
        var log = Log(tenant.TenantId, BaseTime, Ids.New(), Ids.New(), "+14155550123", CallStatus.Completed, 42.5);
        log.Id = callId;
        log.Attempt = 2;
        log.RecordingKey = key;
        log.Turns =
        [
            new TurnMetrics { Turn = 1, VoiceToVoiceMs = 700, SttMs = 120, LlmTtftMs = 300, TtsTtfbMs = 180 },
            new TurnMetrics { Turn = 2, VoiceToVoiceMs = 900, SttMs = 150, LlmTtftMs = 420, TtsTtfbMs = 200 },
        ];
        await api.Records().UpsertCallLogAsync(log, CancellationToken.None);
        using var client = tenant.Client();

        var requestedAt = DateTime.UtcNow;
        var body = await TenantSession.Read(await client.GetAsync($"call-logs/{callId}"), 200);

        Assert.Equal(callId, body["id"]!.GetValue<string>());
        Assert.Equal(log.AgentId, body["agent_id"]!.GetValue<string>());
        Assert.Equal(log.CampaignId, body["campaign_id"]!.GetValue<string>());
        Assert.Equal("+14155550123", body["phone_number"]!.GetValue<string>());
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Equal("hangup", body["end_reason"]!.GetValue<string>());
        Assert.Equal(2, body["attempt"]!.GetValue<int>());
        Assert.Equal(42.5, body["duration_seconds"]!.GetValue<double>());
        Assert.Equal(800, body["avg_voice_to_voice_ms"]!.GetValue<double>());
        Assert.Equal(BaseTime.AddSeconds(-42.5), body["started_at"]!.GetValue<DateTime>().ToUniversalTime());
        var turns = body["turns"]!.AsArray();
        Assert.Equal(2, turns.Count);
        Assert.Equal(2, turns[1]!["turn"]!.GetValue<int>());
        Assert.Equal(900, turns[1]!["voice_to_voice_ms"]!.GetValue<double>());
        Assert.Equal(150, turns[1]!["stt_ms"]!.GetValue<double>());
        Assert.Equal(420, turns[1]!["llm_ttft_ms"]!.GetValue<double>());
        Assert.Equal(200, turns[1]!["tts_ttfb_ms"]!.GetValue<double>());

        var expiresAt = body["recording_url_expires_at"]!.GetValue<DateTime>().ToUniversalTime();
        Assert.InRange(expiresAt, requestedAt.AddMinutes(15).AddSeconds(-5), DateTime.UtcNow.AddMinutes(15).AddSeconds(5));
        var url = new Uri(body["recording_url"]!.GetValue<string>());
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.Equal("900", query["X-Amz-Expires"].ToString());
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"].ToString());
        Assert.Contains(key, Uri.UnescapeDataString(url.AbsolutePath), StringComparison.Ordinal);
        using var plain = new HttpClient();
        Assert.Equal(audio, await plain.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Get_of_a_call_without_recording_has_no_recording_url()
    {
        var tenant = await api.SignupAsync("calls-norec");
        var log = Log(tenant.TenantId, BaseTime, status: CallStatus.NoAnswer, durationSeconds: 0);
        await api.Records().UpsertCallLogAsync(log, CancellationToken.None);
        using var client = tenant.Client();

        var body = (await TenantSession.Read(await client.GetAsync($"call-logs/{log.Id}"), 200)).AsObject();

        Assert.Equal("no_answer", body["status"]!.GetValue<string>());
        Assert.Empty(body["turns"]!.AsArray());
        Assert.False(body.ContainsKey("recording_url"), body.ToJsonString());
        Assert.False(body.ContainsKey("recording_url_expires_at"), body.ToJsonString());
    }

    [Fact]
    public async Task Get_of_an_unknown_or_another_tenants_call_log_returns_404_and_a_malformed_id_400()
    {
        var tenant = await api.SignupAsync("calls-404");
        var other = await api.SignupAsync("calls-404-other");
        var theirs = Log(other.TenantId, BaseTime);
        await api.Records().UpsertCallLogAsync(theirs, CancellationToken.None);
        using var client = tenant.Client();

        await Problems.AssertNotFound(await client.GetAsync($"call-logs/{theirs.Id}"));
        await Problems.AssertNotFound(await client.GetAsync($"call-logs/{Ids.New()}"));
        await Problems.AssertProblem(await client.GetAsync("call-logs/not-an-id"), 400, "id");
    }

    [Fact]
    public async Task Transcript_returns_the_turns_with_speaker_text_and_timestamps()
    {
        var tenant = await api.SignupAsync("transcript");
        var log = Log(tenant.TenantId, BaseTime);
        await api.Records().UpsertCallLogAsync(log, CancellationToken.None);
        await api.Records().UpsertTranscriptAsync(new Transcript
        {
            Id = log.Id,
            TenantId = tenant.TenantId,
            Turns =
            [
                new TranscriptTurn { Speaker = "agent", Text = "Hello, how can I help?", StartMs = 0, EndMs = 1800 },
                new TranscriptTurn { Speaker = "user", Text = "I'd like to book a table — for two.", StartMs = 2300, EndMs = 4100 },
                new TranscriptTurn { Speaker = "agent", Text = "Sure, what day would you like?", StartMs = 4800, EndMs = 6900 },
            ],
        }, CancellationToken.None);
        using var client = tenant.Client();

        var body = await TenantSession.Read(await client.GetAsync($"transcripts/{log.Id}"), 200);

        Assert.Equal(log.Id, body["call_id"]!.GetValue<string>());
        var turns = body["turns"]!.AsArray();
        Assert.Equal(["agent", "user", "agent"], turns.Select(t => t!["speaker"]!.GetValue<string>()));
        Assert.Equal("I'd like to book a table — for two.", turns[1]!["text"]!.GetValue<string>());
        Assert.Equal(2300, turns[1]!["start_ms"]!.GetValue<long>());
        Assert.Equal(4100, turns[1]!["end_ms"]!.GetValue<long>());
        Assert.Equal(6900, turns[2]!["end_ms"]!.GetValue<long>());
    }

    [Fact]
    public async Task Call_log_and_transcript_show_variables_transfer_and_tool_turns()
    {
        var tenant = await api.SignupAsync("calls-tools");
        var log = Log(tenant.TenantId, BaseTime);
        log.Variables = new() { ["firstName"] = "Ada" };
        log.EndReason = "transferred";
        log.TransferredTo = "sales";
        await api.Records().UpsertCallLogAsync(log, CancellationToken.None);
        await api.Records().UpsertTranscriptAsync(new Transcript
        {
            Id = log.Id,
            TenantId = tenant.TenantId,
            Turns =
            [
                new TranscriptTurn { Speaker = "user", Text = "A table for 4 please.", StartMs = 0, EndMs = 1500 },
                new TranscriptTurn
                {
                    Speaker = "tool", Text = "book_table", StartMs = 1600, EndMs = 1700,
                    Tool = new ToolCallRecord { Name = "book_table", Arguments = """{"party":"4"}""", Result = """{"reference":"R-17"}""", DurationMs = 84.5, Ok = true },
                },
                new TranscriptTurn
                {
                    Speaker = "tool", Text = "find_order", StartMs = 1800, EndMs = 6800,
                    Tool = new ToolCallRecord { Name = "find_order", Arguments = "{}", Error = "timed out after 5000 ms", DurationMs = 5000, Ok = false },
                },
            ],
        }, CancellationToken.None);
        using var client = tenant.Client();

        var detail = await TenantSession.Read(await client.GetAsync($"call-logs/{log.Id}"), 200);
        var turns = (await TenantSession.Read(await client.GetAsync($"transcripts/{log.Id}"), 200))["turns"]!.AsArray();

        Assert.Equal("Ada", detail["variables"]!["firstName"]!.GetValue<string>());
        Assert.Equal("sales", detail["transferred_to"]!.GetValue<string>());
        Assert.Null(turns[0]!["tool"]);
        var booked = turns[1]!["tool"]!;
        Assert.Equal("tool", turns[1]!["speaker"]!.GetValue<string>());
        Assert.Equal("4", booked["arguments"]!["party"]!.GetValue<string>());
        Assert.Equal("R-17", booked["result"]!["reference"]!.GetValue<string>());
        Assert.True(booked["ok"]!.GetValue<bool>());
        Assert.Equal(84.5, booked["duration_ms"]!.GetValue<double>());
        Assert.Equal("timed out after 5000 ms", turns[2]!["tool"]!["error"]!.GetValue<string>());
        Assert.False(turns[2]!["tool"]!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Transcript_of_an_unknown_or_another_tenants_call_returns_404_and_a_malformed_id_400()
    {
        var tenant = await api.SignupAsync("transcript-404");
        var other = await api.SignupAsync("transcript-404-other");
        var theirs = new Transcript { Id = Ids.New(), TenantId = other.TenantId, Turns = [new TranscriptTurn { Speaker = "user", Text = "hi", StartMs = 0, EndMs = 500 }] };
        await api.Records().UpsertTranscriptAsync(theirs, CancellationToken.None);
        using var client = tenant.Client();

        await Problems.AssertNotFound(await client.GetAsync($"transcripts/{theirs.Id}"));
        await Problems.AssertNotFound(await client.GetAsync($"transcripts/{Ids.New()}"));
        await Problems.AssertProblem(await client.GetAsync("transcripts/42"), 400, "call_id");
    }

    /// <summary>
    /// Logs a minute apart, except that runs of eleven calls share one created_at, so the
    /// order within them rests on the id tie-break. Campaigns, agents and statuses rotate so filters span pages.
    /// </summary>
    private static List<CallLog> ManyLogs(string tenantId, int count)
    {
        string[] campaigns = [Ids.New(), Ids.New(), Ids.New()];
        string[] agents = [Ids.New(), Ids.New()];
        CallStatus[] statuses = [CallStatus.Completed, CallStatus.Failed, CallStatus.NoAnswer, CallStatus.Busy, CallStatus.Completed];
        var logs = new List<CallLog>(count);
        var minute = 0;
        for (var i = 0; i < count; i++)
        {
            // Calls 0 to 10 of every 50 share one created_at.
            if (i % 50 is 0 or > 10) minute++;
            logs.Add(Log(tenantId, BaseTime.AddMinutes(minute), agents[i % agents.Length], campaigns[i % campaigns.Length],
                $"+1415555{i % 1000:D4}", statuses[i % statuses.Length], durationSeconds: i % 300));
        }
        // Insert in shuffled order so the answer's order cannot come from insertion order.
        return logs.OrderBy(_ => Random.Shared.Next()).ToList();
    }

    private async Task<List<string>> WalkAsync(TenantSession tenant, string query)
    {
        var seen = new List<string>();
        string? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 100, "paging did not end");
            var page = await ListAsync(tenant, cursor is null ? query : $"{query}&cursor={cursor}");
            var ids = IdsOf(page);
            Assert.True(ids.Count <= 200, $"a page held {ids.Count} items");
            seen.AddRange(ids);
            cursor = page["next_cursor"]?.GetValue<string>();
            if (cursor is null) return seen;
            Assert.Equal(200, ids.Count);
        }
    }

    private static async Task<JsonNode> ListAsync(TenantSession tenant, string query)
    {
        using var client = tenant.Client();
        return await TenantSession.Read(await client.GetAsync($"call-logs?{query}"), 200);
    }

    private static List<string> IdsOf(JsonNode page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();

    private static string Iso(DateTime d) => Uri.EscapeDataString(d.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
}
