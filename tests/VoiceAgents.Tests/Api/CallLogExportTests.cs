using System.Text.Json.Nodes;
using MongoDB.Bson;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.CallLogSeed;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CallLogExportTests(ApiFixture api)
{
    [Fact]
    public async Task Csv_export_has_a_header_and_the_lists_rows_for_the_same_filters_newest_first()
    {
        var tenant = await api.SignupAsync("export-filters");
        var other = await api.SignupAsync("export-filters-other");
        string agentA = Ids.New(), agentB = Ids.New(), campaign = Ids.New();
        var logs = await api.InsertAsync([
            Log(tenant.TenantId, BaseTime.AddMinutes(1), agentA, campaign, "+14155550101", CallStatus.Completed),
            Log(tenant.TenantId, BaseTime.AddMinutes(2), agentA, campaign, "+14155550102", CallStatus.NoAnswer),
            Log(tenant.TenantId, BaseTime.AddMinutes(3), agentB, null, "+14155550101", CallStatus.Failed),
            Log(tenant.TenantId, BaseTime.AddMinutes(4), agentB, campaign, "+14155550103", CallStatus.Completed, 12.5, 700, 900),
        ]);
        await api.InsertAsync([Log(other.TenantId, BaseTime.AddMinutes(5), agentA)]);

        var (response, rows) = await CsvAsync(tenant, "format=csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(
            ["id", "created_at", "started_at", "ended_at", "agent_id", "campaign_id", "phone_number", "status", "end_reason", "attempt",
             "duration_seconds", "avg_voice_to_voice_ms", "transferred_to", "analysis_kind", "summary", "success", "success_reason", "analysis_error"],
            rows[0]);
        Assert.Equal(NewestFirst(logs), rows.Skip(1).Select(r => r[0]));
        var newest = Row(rows, logs[3].Id);
        Assert.Equal("2024-03-01T09:04:00.000Z", newest["created_at"]);
        Assert.Equal("2024-03-01T09:03:47.500Z", newest["started_at"]);
        Assert.Equal(agentB, newest["agent_id"]);
        Assert.Equal(campaign, newest["campaign_id"]);
        Assert.Equal("completed", newest["status"]);
        Assert.Equal("12.5", newest["duration_seconds"]);
        Assert.Equal("800", newest["avg_voice_to_voice_ms"]);
        Assert.Equal("", Row(rows, logs[2].Id)["campaign_id"]);
        // A phone number starts with '+', which a spreadsheet would take for a formula.
        Assert.Equal("'+14155550101", Row(rows, logs[2].Id)["phone_number"]);

        foreach (var (query, expected) in new (string, IEnumerable<CallLog>)[]
        {
            ($"agent_id={agentA}", logs.Where(l => l.AgentId == agentA)),
            ($"campaign_id={campaign}&status=completed", [logs[3], logs[0]]),
            ("phone_number=%2B14155550101", [logs[2], logs[0]]),
            ("from=2024-03-01T09:02:00Z&to=2024-03-01T09:04:00Z", [logs[2], logs[1]]),
            ($"agent_id={agentA}&status=busy", []),
        })
        {
            Assert.Equal(NewestFirst(expected), (await CsvAsync(tenant, query)).Rows.Skip(1).Select(r => r[0]));
            using var client = tenant.Client();
            var list = await TenantSession.Read(await client.GetAsync($"call-logs?{query}"), 200);
            Assert.Equal(NewestFirst(expected), list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Csv_cells_are_quoted_per_RFC_4180_and_text_that_looks_like_a_formula_starts_with_a_quote()
    {
        var tenant = await api.SignupAsync("export-quoting");
        var log = Log(tenant.TenantId, BaseTime);
        log.EndReason = "=HYPERLINK(\"http://evil.example\",\"click\")";
        log.TransferredTo = "sales, \"east\"";
        log.Analysis = new CallAnalysis
        {
            Kind = CallAnalysisKinds.Extractive,
            Summary = "Caller: I'd like a table, for two.\nAgent: \"Sure\" — à bientôt",
            Success = new CallSuccess { Verdict = false, Reason = "@SUM(A1:A9)" },
            Error = "-2+3",
            Data = new BsonDocument { ["plus"] = "+1 cmd|' /C calc'!A0", ["tab"] = "\tx", ["count"] = -5, ["ok"] = true, ["tags"] = new BsonArray { "a", "b" } },
            AnalyzedAt = BaseTime.AddMinutes(1),
        };
        await api.InsertAsync([log]);

        var (response, rows) = await CsvAsync(tenant, "");
        var text = await response.Content.ReadAsStringAsync();

        var row = Row(rows, log.Id);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", row["end_reason"]);
        Assert.Equal("sales, \"east\"", row["transferred_to"]);
        Assert.Equal("extractive", row["analysis_kind"]);
        Assert.Equal("Caller: I'd like a table, for two.\nAgent: \"Sure\" — à bientôt", row["summary"]);
        Assert.Equal("false", row["success"]);
        Assert.Equal("'@SUM(A1:A9)", row["success_reason"]);
        Assert.Equal("'-2+3", row["analysis_error"]);
        Assert.Equal("'+1 cmd|' /C calc'!A0", row["analysis.plus"]);
        Assert.Equal("'\tx", row["analysis.tab"]);
        // Numbers are written by the export, never formulas: a negative one stays a number.
        Assert.Equal("-5", row["analysis.count"]);
        Assert.Equal("true", row["analysis.ok"]);
        Assert.Equal("[\"a\",\"b\"]", row["analysis.tags"]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", text, StringComparison.Ordinal);
        Assert.Contains("\"sales, \"\"east\"\"\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_of_one_agents_calls_has_a_column_per_property_of_its_analysis_schema_in_the_schemas_order()
    {
        var tenant = await api.SignupAsync("export-schema");
        var agentId = (await tenant.CreateAgentAsync("Booker"))["id"]!.GetValue<string>();
        await api.SetAnalysisSchemaAsync(agentId, "appointment_booked", "date_of_birth", "reason");
        var booked = Analysed(Log(tenant.TenantId, BaseTime.AddMinutes(2), agentId), true,
            new BsonDocument { ["reason"] = "check-up", ["appointment_booked"] = true, ["date_of_birth"] = "1990-04-02", ["stray"] = "not in the schema" });
        var partial = Analysed(Log(tenant.TenantId, BaseTime.AddMinutes(1), agentId), false, new BsonDocument { ["appointment_booked"] = false });
        var none = Log(tenant.TenantId, BaseTime, agentId);
        await api.InsertAsync([booked, partial, none, Analysed(Log(tenant.TenantId, BaseTime, Ids.New()), true, new BsonDocument { ["other"] = 1 })]);

        var (_, rows) = await CsvAsync(tenant, $"agent_id={agentId}");

        Assert.Equal(["analysis.appointment_booked", "analysis.date_of_birth", "analysis.reason"], rows[0].Skip(18));
        Assert.Equal([booked.Id, partial.Id, none.Id], rows.Skip(1).Select(r => r[0]));
        Assert.Equal(["true", "1990-04-02", "check-up"], rows[1].Skip(18));
        Assert.Equal(["false", "", ""], rows[2].Skip(18));
        Assert.Equal(["", "", ""], rows[3].Skip(18));
        Assert.Equal("llm", Row(rows, booked.Id)["analysis_kind"]);
        Assert.Equal("Summary of " + booked.Id, Row(rows, booked.Id)["summary"]);
        Assert.Equal("true", Row(rows, booked.Id)["success"]);
        Assert.Equal("false", Row(rows, partial.Id)["success"]);
        Assert.Equal("", Row(rows, none.Id)["success"]);
    }

    [Fact]
    public async Task Export_across_agents_has_a_column_per_analysis_key_present_in_the_selected_calls_sorted()
    {
        var tenant = await api.SignupAsync("export-union");
        var a = Analysed(Log(tenant.TenantId, BaseTime.AddMinutes(2), Ids.New()), true, new BsonDocument { ["zip"] = "94103", ["name"] = "Ada" });
        var b = Analysed(Log(tenant.TenantId, BaseTime.AddMinutes(1), Ids.New(), status: CallStatus.Failed), false, new BsonDocument { ["age"] = 36, ["name"] = "Bob" });
        var c = Log(tenant.TenantId, BaseTime);
        await api.InsertAsync([a, b, c]);

        var (_, rows) = await CsvAsync(tenant, "");
        Assert.Equal(["analysis.age", "analysis.name", "analysis.zip"], rows[0].Skip(18));
        Assert.Equal(["", "Ada", "94103"], Row(rows, a.Id).Values.Skip(18));
        Assert.Equal(["36", "Bob", ""], Row(rows, b.Id).Values.Skip(18));
        Assert.Equal(["", "", ""], Row(rows, c.Id).Values.Skip(18));

        // The columns follow the filters: only the failed call's keys.
        var (_, failed) = await CsvAsync(tenant, "status=failed");
        Assert.Equal(["analysis.age", "analysis.name"], failed[0].Skip(18));
    }

    [Fact]
    public async Task Jsonl_export_has_one_object_per_line_with_the_call_and_its_whole_analysis()
    {
        var tenant = await api.SignupAsync("export-jsonl");
        var agentId = Ids.New();
        var analysed = Analysed(Log(tenant.TenantId, BaseTime.AddMinutes(1), agentId, phoneNumber: null), true,
            new BsonDocument { ["when"] = new BsonDateTime(BaseTime.AddDays(3)), ["party"] = 4, ["note"] = "window seat, \"quiet\"" });
        var plain = Log(tenant.TenantId, BaseTime, agentId, status: CallStatus.NoAnswer, durationSeconds: 0);
        await api.InsertAsync([analysed, plain]);
        using var client = tenant.Client();

        var response = await client.GetAsync("call-logs/export?format=jsonl");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal(analysed.Id, first["id"]!.GetValue<string>());
        Assert.Equal(agentId, first["agent_id"]!.GetValue<string>());
        Assert.Equal("completed", first["status"]!.GetValue<string>());
        Assert.Null(first["phone_number"]);
        Assert.Equal("2024-03-01T09:01:00.000Z", first["created_at"]!.GetValue<string>());
        var analysis = first["analysis"]!;
        Assert.Equal("llm", analysis["kind"]!.GetValue<string>());
        Assert.Equal("Summary of " + analysed.Id, analysis["summary"]!.GetValue<string>());
        Assert.True(analysis["success"]!["verdict"]!.GetValue<bool>());
        Assert.Equal("The caller booked.", analysis["success"]!["reason"]!.GetValue<string>());
        Assert.Equal("2024-03-04T09:00:00.000Z", analysis["data"]!["when"]!.GetValue<string>());
        Assert.Equal(4, analysis["data"]!["party"]!.GetValue<int>());
        Assert.Equal("window seat, \"quiet\"", analysis["data"]!["note"]!.GetValue<string>());
        var second = JsonNode.Parse(lines[1])!.AsObject();
        Assert.Equal(plain.Id, second["id"]!.GetValue<string>());
        Assert.Equal("no_answer", second["status"]!.GetValue<string>());
        Assert.Equal(0, second["duration_seconds"]!.GetValue<double>());
        Assert.False(second.ContainsKey("analysis"), second.ToJsonString());
    }

    [Theory]
    [InlineData("format=xlsx", "format")]
    [InlineData("format=1", "format")]
    [InlineData("status=ringing", "status")]
    [InlineData("phone_number=4155550100", "phone_number")]
    [InlineData("agent_id=123", "agent_id")]
    [InlineData("from=2024-05-02&to=2024-05-01", "to")]
    public async Task Export_with_a_malformed_parameter_returns_400_naming_it(string query, string field)
    {
        var tenant = await api.SignupAsync("export-bad");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.GetAsync($"call-logs/export?{query}"), 400, field);
    }

    [Fact]
    public async Task Export_requires_a_token()
    {
        using var anon = api.Client();
        await Problems.AssertProblem(await anon.GetAsync("call-logs/export"), 401);
    }

    private static CallLog Analysed(CallLog log, bool success, BsonDocument data)
    {
        log.Analysis = new CallAnalysis
        {
            Kind = CallAnalysisKinds.Llm,
            Summary = "Summary of " + log.Id,
            Success = new CallSuccess { Verdict = success, Reason = success ? "The caller booked." : "No booking." },
            Data = data,
            AnalyzedAt = log.CreatedAt.AddSeconds(5),
        };
        return log;
    }

    private static async Task<(HttpResponseMessage Response, List<List<string>> Rows)> CsvAsync(TenantSession tenant, string query)
    {
        using var client = tenant.Client();
        var response = await client.GetAsync($"call-logs/export?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 200, $"{(int)response.StatusCode}: {text}");
        var rows = Csv.Parse(text);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        return (response, rows);
    }

    /// <summary>A data row by call id, as header name to cell.</summary>
    private static Dictionary<string, string> Row(List<List<string>> rows, string id)
    {
        var row = rows.Skip(1).Single(r => r[0] == id);
        return rows[0].Zip(row).ToDictionary(p => p.First, p => p.Second);
    }
}
