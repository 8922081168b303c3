using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Bench.Api;
using static VoiceAgents.Bench.Api.BenchHost;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Queues;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;

// Post-call throughput: N call-completed messages (what voice-host enqueues when a call ends) are put on the queue
// at once, and the local runner's StoreCall function drains them into MongoDB and S3. Measured: calls stored per
// second end to end (first enqueue to last call log visible) and each call's enqueue-to-visible latency.
var settings = BenchSettings.Load(args);
var calls = args.FirstOrDefault(a => a.StartsWith("--calls=", StringComparison.Ordinal)) is { } c ? int.Parse(c[8..], CultureInfo.InvariantCulture)
    : int.TryParse(Environment.GetEnvironmentVariable("BENCH_CALLS"), out var n) ? n : 1000;
var ct = BenchHost.CancelOnCtrlC();
var (ownMongo, mongoUrl) = await BenchHost.StartMongoAsync(settings, ct, maxHeapMb: 4096);
await using var _ = ownMongo;

var runId = Guid.NewGuid().ToString("N")[..8];
var callQueue = $"bench-call-completed-{runId}";
var eventsQueue = $"bench-events-{runId}";
var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b =>
{
    b.WebHost.UseUrls("http://127.0.0.1:0");
    var config = BenchHost.RunnerSettings(settings, mongoUrl, $"bench_{runId}", runId);
    config[QueueNames.CallCompletedSetting] = callQueue;
    config[QueueNames.EventsSetting] = eventsQueue;
    b.Configuration.AddInMemoryCollection(config);
});
await app.StartAsync(ct);
var queues = new QueueServiceClient(settings.StorageConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
try
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/api/") };
    var (tenantId, _) = await SignupAsync(http, ct);
    var mongo = app.Services.GetRequiredService<MongoContext>();
    var host = HostSettings.Load(Path.Combine(settings.RepoRoot, "host.json"));
    Say($"runner on {http.BaseAddress}; queue {callQueue}, batch size {host.BatchSize}, tenant {tenantId}");

    var queue = queues.GetQueueClient(callQueue);
    await queue.CreateIfNotExistsAsync(cancellationToken: ct);
    var agentId = Ids.New();
    var day = DateTime.UtcNow.Date.AddHours(9);
    var messages = Enumerable.Range(0, calls).Select(i => Message(i, tenantId, agentId, day)).ToList();

    // Enqueue them all as fast as the queue takes them (16 at a time), remembering when each went in.
    var enqueuedAt = new Dictionary<string, long>(calls);
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (m, token) =>
    {
        await queue.SendMessageAsync(BinaryData.FromBytes(m.ToUtf8Json()), cancellationToken: token);
        lock (enqueuedAt) enqueuedAt[m.CallId] = clock.ElapsedTicks;
    });
    var enqueueSeconds = clock.Elapsed.TotalSeconds;
    Say($"enqueued {calls:N0} calls in {enqueueSeconds:F1} s");

    // Poll for call logs every 100 ms; the time a call log is first seen is when it became visible.
    var visibleAt = new Dictionary<string, long>(calls);
    // Read as raw documents: the stand-in ignores projections, so a projected read would not deserialize.
    var rawLogs = mongo.Database.GetCollection<MongoDB.Bson.BsonDocument>("call_logs");
    var filter = Builders<MongoDB.Bson.BsonDocument>.Filter.Eq("tenant_id", tenantId);
    var deadline = TimeSpan.FromMinutes(30);
    while (visibleAt.Count < calls)
    {
        if (clock.Elapsed > deadline) throw new TimeoutException($"only {visibleAt.Count} of {calls} call logs after {deadline}");
        var docs = await rawLogs.Find(filter).ToListAsync(ct);
        var now = clock.ElapsedTicks;
        foreach (var doc in docs) visibleAt.TryAdd(doc["_id"].ToString()!, now);
        await Task.Delay(100, ct);
    }
    var totalSeconds = TimeSpan.FromTicks(visibleAt.Values.Max() * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalSeconds;
    var latencies = visibleAt.Select(kv => (kv.Value - enqueuedAt[kv.Key]) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
    double P(double q) => Math.Round(latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)], 1);
    var perSecond = Math.Round(calls / totalSeconds, 1);
    Say($"{calls:N0} calls stored in {totalSeconds:F1} s: {perSecond} calls/s; enqueue-to-visible p50 {P(0.5)} ms, p95 {P(0.95)} ms, p99 {P(0.99)} ms");

    // The results are only worth reporting if the calls were stored whole: analytics counted each once, and the
    // poison queue is empty.
    var analytics = await mongo.Analytics.Find(Builders<AnalyticsDay>.Filter.Eq(a => a.TenantId, tenantId)).ToListAsync(ct);
    var counted = analytics.Where(a => a.Scope == AnalyticsDay.TenantScope).Sum(a => a.Calls);
    var poison = queues.GetQueueClient(QueueNames.Poison(callQueue));
    var poisoned = (await poison.ExistsAsync(ct)).Value ? (await poison.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount : 0;
    Say($"analytics counted {counted} calls; poison queue holds {poisoned}");
    if (counted != calls || poisoned != 0) throw new InvalidOperationException("the calls were not all stored exactly once");

    var machine = BenchHost.LoadAverage();
    var report = new JsonObject
    {
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        ["cores"] = Environment.ProcessorCount,
        ["load_average_at_end"] = machine,
        ["mongo"] = ownMongo is null ? "given" : "CongoDB stand-in (in memory)",
        ["calls"] = calls,
        ["batch_size"] = host.BatchSize,
        ["enqueue_seconds"] = Math.Round(enqueueSeconds, 2),
        ["total_seconds"] = Math.Round(totalSeconds, 2),
        ["calls_per_second"] = perSecond,
        ["latency_ms"] = new JsonObject { ["p50"] = P(0.5), ["p95"] = P(0.95), ["p99"] = P(0.99), ["max"] = Math.Round(latencies[^1], 1) },
    };
    Directory.CreateDirectory(settings.ResultsDir);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "postcall.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "postcall.md"), $"""
        # Post-call bench results

        Run {report["date"]} on {Environment.ProcessorCount} cores; load average at the end {machine}. MongoDB: {report["mongo"]}; S3: fauxqs; queues: Azurite.

        {calls:N0} `call-completed` messages (each a 3-turn transcript with turn metrics, as voice-host sends) were enqueued at once
        ({enqueueSeconds:F1} s to enqueue, 16 at a time), and the local runner's `StoreCall` drained them (batches of {host.BatchSize}):
        transcript JSON to S3, transcript and call log upserts, daily analytics, and a `call.completed` event per call.

        | calls | stored end to end (first enqueue → last call log visible) | calls/s | enqueue → visible p50 / p95 / p99 / max ms |
        |---:|---:|---:|---|
        | {calls:N0} | {totalSeconds:F1} s | **{perSecond}** | {P(0.5)} / {P(0.95)} / {P(0.99)} / {Math.Round(latencies[^1], 1)} |

        Checked after the run: analytics counted {counted} calls, the poison queue is empty.
        """.Replace("\n        ", "\n"), ct);
    Say($"wrote {Path.Combine(settings.ResultsDir, "postcall.json")} and .md");
}
finally
{
    await queues.GetQueueClient(callQueue).DeleteIfExistsAsync(CancellationToken.None);
    await queues.GetQueueClient(QueueNames.Poison(callQueue)).DeleteIfExistsAsync(CancellationToken.None);
    await queues.GetQueueClient(eventsQueue).DeleteIfExistsAsync(CancellationToken.None);
    await app.StopAsync(CancellationToken.None);
    await app.DisposeAsync();
}

static CallCompletedMessage Message(int i, string tenantId, string agentId, DateTime day)
{
    var started = day.AddSeconds(i * 7);
    var transcript = new List<TranscriptTurn>
    {
        new() { Speaker = "assistant", Text = "Hello! How can I help you today?", StartMs = 0, EndMs = 1800 },
        new() { Speaker = "user", Text = "i would like to book a table for two", StartMs = 2500, EndMs = 5000 },
        new() { Speaker = "assistant", Text = "Of course. For which day and time?", StartMs = 6200, EndMs = 8300 },
    };
    var turns = new List<TurnMetrics> { new() { Turn = 1, VoiceToVoiceMs = 1150 + i % 50, SttMs = 120, LlmTtftMs = 300, TtsTtfbMs = 90 } };
    return new CallCompletedMessage(Ids.New(), Guid.NewGuid().ToString("N"), tenantId, agentId, null, "+14155550100",
        started, started.AddSeconds(42), 42, CallStatus.Completed, "caller_hung_up", $"recordings/adhoc/{i}.wav", turns, transcript);
}

