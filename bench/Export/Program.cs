using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using VoiceAgents.Bench.Api;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;
using static VoiceAgents.Bench.Api.BenchHost;

// Export throughput: N analysed call logs of one tenant, then GET /api/call-logs/export read to the end as a client
// would, in CSV (all agents: columns from the keys present; one agent: from its schema) and JSON Lines. Measured: rows
// per second end to end, and from the first byte to the last (the stand-in's scan and sort of the whole collection
// comes before the first byte), plus the runner process's peak live heap while it streams.
var settings = BenchSettings.Load(args);
int Arg(string name, int fallback) => args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } a
    ? int.Parse(a[(name.Length + 3)..], CultureInfo.InvariantCulture)
    : int.TryParse(Environment.GetEnvironmentVariable($"BENCH_{name.ToUpperInvariant().Replace('-', '_')}"), out var v) ? v : fallback;
var rowCount = Arg("rows", 100_000);
var runs = Arg("runs", 3);
var ct = CancelOnCtrlC();
var (ownMongo, mongoUrl) = await StartMongoAsync(settings, ct, maxHeapMb: 4096);
await using var _ = ownMongo;

var runId = Guid.NewGuid().ToString("N")[..8];
var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b =>
{
    b.WebHost.UseUrls("http://127.0.0.1:0");
    var config = RunnerSettings(settings, mongoUrl, $"bench_{runId}", runId);
    // Nothing here dials; the timer would only add queries to the stand-in.
    config["AzureWebJobs.DispatchCalls.Disabled"] = "true";
    b.Configuration.AddInMemoryCollection(config);
});
await app.StartAsync(ct);
try
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/api/"), Timeout = TimeSpan.FromMinutes(30) };
    var (tenantId, token) = await SignupAsync(http, ct);
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var mongo = app.Services.GetRequiredService<MongoContext>();

    // One agent with an analysis schema (written as the agent API stores it) and one without, half the calls each.
    var schemaAgent = Ids.New();
    var otherAgent = Ids.New();
    var schema = new BsonDocument
    {
        ["type"] = "object",
        ["properties"] = new BsonDocument { ["party"] = new BsonDocument("type", "integer"), ["day"] = new BsonDocument("type", "string"), ["name"] = new BsonDocument("type", "string") },
    };
    await mongo.Database.GetCollection<BsonDocument>("agents").InsertOneAsync(new BsonDocument
    {
        ["_id"] = ObjectId.Parse(schemaAgent), ["tenant_id"] = tenantId, ["user_id"] = Ids.New(), ["name"] = "Bench", ["analysis"] = new BsonDocument("data", schema),
    }, cancellationToken: ct);
    var seedClock = Stopwatch.StartNew();
    var start = DateTime.UtcNow.Date.AddDays(-30);
    for (var from = 0; from < rowCount; from += 1000)
    {
        var batch = Enumerable.Range(from, Math.Min(1000, rowCount - from)).Select(i => Log(i, tenantId, i % 2 == 0 ? schemaAgent : otherAgent, start)).ToList();
        await mongo.CallLogs.InsertManyAsync(batch, cancellationToken: ct);
    }
    Say($"seeded {rowCount:N0} call logs in {seedClock.Elapsed.TotalSeconds:F1} s");

    var scenarios = new (string Name, string Query, int Rows)[]
    {
        ("csv, all agents (columns from the keys present)", "format=csv", rowCount),
        ("csv, one agent (columns from its schema)", $"format=csv&agent_id={schemaAgent}", (rowCount + 1) / 2),
        ("jsonl, all agents", "format=jsonl", rowCount),
    };
    var results = new JsonArray();
    var table = new StringBuilder();
    foreach (var (name, query, expected) in scenarios)
    {
        var measured = new List<(double Total, double FirstByte, long Bytes, long PeakHeap)>();
        for (var run = 0; run < runs; run++)
        {
            var m = await ExportAsync(http, query, expected, ct);
            measured.Add(m);
            Say($"{name}: {expected:N0} rows in {m.Total:F2} s (first byte after {m.FirstByte:F2} s), {m.Bytes / 1048576.0:F1} MiB, peak live heap {m.PeakHeap / 1048576.0:F1} MiB");
        }
        var median = measured.OrderBy(m => m.Total).ElementAt(measured.Count / 2);
        var endToEnd = Math.Round(expected / median.Total);
        var streaming = Math.Round(expected / (median.Total - median.FirstByte));
        var peak = measured.Max(m => m.PeakHeap) / 1048576.0;
        results.Add(new JsonObject
        {
            ["scenario"] = name, ["query"] = query, ["rows"] = expected, ["runs"] = runs,
            ["median_seconds"] = Math.Round(median.Total, 3), ["first_byte_seconds"] = Math.Round(median.FirstByte, 3),
            ["rows_per_second"] = endToEnd, ["rows_per_second_after_first_byte"] = streaming,
            ["mib"] = Math.Round(median.Bytes / 1048576.0, 1), ["peak_live_heap_mib"] = Math.Round(peak, 1),
        });
        table.Append(CultureInfo.InvariantCulture, $"| {name} | {expected:N0} | {median.Total:F2} s | {median.FirstByte:F2} s | **{endToEnd:N0}** | {streaming:N0} | {median.Bytes / 1048576.0:F1} | {peak:F1} |\n");
    }

    var machine = LoadAverage();
    var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    var report = new JsonObject
    {
        ["date"] = date, ["cores"] = Environment.ProcessorCount, ["load_average_at_end"] = machine,
        ["mongo"] = ownMongo is null ? "given" : "CongoDB stand-in (in memory)", ["call_logs"] = rowCount, ["scenarios"] = results,
    };
    Directory.CreateDirectory(settings.ResultsDir);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "export.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "export.md"), $"""
        # Export bench results

        Run {date} on {Environment.ProcessorCount} cores; load average at the end {machine}. MongoDB: {report["mongo"]}.

        {rowCount:N0} analysed call logs of one tenant (half of them one agent's, whose analysis schema has 3 properties), each
        export read to its end by one client as it arrived; the median of {runs} runs. "First byte" is mostly the stand-in's
        scan and sort of the whole collection (on MongoDB the `tenant_id, created_at` index answers it); rows/s after the
        first byte is the export's own pace. Peak live heap: the runner's process (bench and API in one), after a forced
        full collection every 10,000 rows read.

        | export | rows | time | first byte | rows/s | rows/s after first byte | MiB | peak live heap MiB |
        |---|---:|---:|---:|---:|---:|---:|---:|
        {table.ToString().TrimEnd()}
        """.Replace("\n        ", "\n"), ct);
    Say($"wrote {Path.Combine(settings.ResultsDir, "export.json")} and .md");
}
finally
{
    await app.StopAsync(CancellationToken.None);
    await app.DisposeAsync();
}

static async Task<(double Total, double FirstByte, long Bytes, long PeakHeap)> ExportAsync(HttpClient http, string query, int expected, CancellationToken ct)
{
    GC.Collect();
    var clock = Stopwatch.StartNew();
    using var response = await http.GetAsync($"call-logs/export?{query}", HttpCompletionOption.ResponseHeadersRead, ct);
    response.EnsureSuccessStatusCode();
    await using var body = await response.Content.ReadAsStreamAsync(ct);
    var buffer = new byte[64 * 1024];
    long bytes = 0, lines = 0, peak = 0, nextSample = 10_000;
    double firstByte = -1;
    int n;
    while ((n = await body.ReadAsync(buffer, ct)) > 0)
    {
        if (firstByte < 0) firstByte = clock.Elapsed.TotalSeconds;
        bytes += n;
        lines += buffer.AsSpan(0, n).Count((byte)'\n');
        if (lines >= nextSample)
        {
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
            nextSample += 10_000;
        }
    }
    var total = clock.Elapsed.TotalSeconds;
    var rows = query.Contains("format=jsonl", StringComparison.Ordinal) ? lines : lines - 1;
    if (rows != expected) throw new InvalidOperationException($"{query}: {rows} rows, expected {expected}");
    return (total, firstByte, bytes, peak);
}

static CallLog Log(int i, string tenantId, string agentId, DateTime start)
{
    var created = start.AddSeconds(i * 7);
    return new CallLog
    {
        Id = Ids.New(), TenantId = tenantId, AgentId = agentId, PhoneNumber = $"+1415555{i % 10000:D4}", Status = CallStatus.Completed, EndReason = "hangup",
        StartedAt = created.AddSeconds(-95), EndedAt = created, DurationSeconds = 95, AvgVoiceToVoiceMs = 700 + i % 300, CreatedAt = created,
        Analysis = new CallAnalysis
        {
            Kind = CallAnalysisKinds.Extractive,
            Summary = $"Caller {i}: \"I would like a table for {i % 8 + 1} on Friday.\" Agent: booked, confirmation by text.",
            Success = new CallSuccess { Verdict = i % 3 != 0, Reason = "A table was booked." },
            Data = new BsonDocument { ["party"] = i % 8 + 1, ["day"] = "friday", ["name"] = $"Caller {i}" },
            AnalyzedAt = created.AddSeconds(4),
        },
    };
}

