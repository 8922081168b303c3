using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgents.Bench.Api;
using VoiceAgents.Bench.Tools;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Http;
using static VoiceAgents.Bench.Api.BenchHost;

// Platform time per tool call: voice-host's LLM stage (LlmProcessor's tool loop, CallTools, ToolRunner, the HTTP
// tool source and client, signing included) in as many concurrent calls as asked, each a pipeline of its own whose
// model calls an HTTP tool on a loopback server that answers after a fixed delay, then answers with text. Measured:
// from the model's complete tool call to the request leaving the platform's code, plus from the answer's headers
// back to the model being asked again. Results: bench/results/tools.json and tools.md.

var ct = CancelOnCtrlC();
var settings = BenchSettings.Load(args);
var calls = Arg("calls", 100);
var turns = Arg("turns", 50);
var warmupTurns = Arg("warmup-turns", 2);
var delayMs = Arg("delay-ms", 200);
var pauseMs = Arg("pause-ms", 400);

var log = new ToolCallLog();
await using var server = await StartToolServerAsync(log, delayMs, ct);
var url = $"{server.Urls.First()}/lookup";
Say($"tool server {url}, answering after {delayMs} ms");

var collection = new ServiceCollection()
    .AddLogging()
    .AddTools(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Tools:AllowPrivateTargets"] = "true" }).Build());
// Added after AddTools' client, so it is the innermost added handler: next to the socket handler but for the factory's logging one.
collection.AddHttpClient(HttpToolClient.ClientName).AddHttpMessageHandler(() => new StampingHandler(log));
await using var services = collection.BuildServiceProvider();
var sources = services.GetServices<IToolSource>().ToArray();
var agent = new Agent
{
    Id = "bench-agent",
    TenantId = "bench",
    UserId = "bench",
    Name = "Orders",
    SystemPrompt = "You look up orders for {{ name | default: \"the caller\" }}.",
    Tools =
    [
        new AgentTool
        {
            Type = AgentToolTypes.Http,
            Name = ToolCallingLlm.ToolName,
            Description = "Looks up an order.",
            ParametersJson = """{"type":"object","properties":{"order":{"type":"string"}},"required":["order"]}""",
            Url = url,
            TimeoutMs = 5000,
            Secret = "whsec_bench-tool-secret-0123456789",
        },
    ],
};
var options = new VoiceOptions();
var recordings = Path.Combine(Path.GetTempPath(), $"bench-tools-{Guid.NewGuid():N}");

Say($"{calls} calls, {turns} turns each ({warmupTurns} of warm-up), a pause of 0-{pauseMs} ms between turns");
var loadBefore = LoadAverage();
var pressureBefore = Pressure();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var wall = Stopwatch.StartNew();
var outcomes = await Task.WhenAll(Enumerable.Range(0, calls).Select(i => Task.Run(() => CallAsync(i), ct)));
wall.Stop();
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var loadAfter = LoadAverage();
var pressureAfter = Pressure();
Directory.Delete(recordings, recursive: true);

var measured = log.All.Where(t => t.Turn >= warmupTurns && t.Complete).ToArray();
var unanswered = outcomes.Sum(o => o.Unanswered);
var failedTools = outcomes.Sum(o => o.FailedTools);
double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
var toRequest = measured.Select(t => Ms(t.Called, t.Sent)).ToArray();
var toNextRequest = measured.Select(t => Ms(t.Answered, t.AskedAgain)).ToArray();
var platform = measured.Select(t => Ms(t.Called, t.Sent) + Ms(t.Answered, t.AskedAgain)).ToArray();
var toServer = measured.Select(t => Ms(t.Called, t.Arrived)).ToArray();
var roundTrip = measured.Select(t => Ms(t.Sent, t.Answered)).ToArray();
var allCalls = log.All.Count;
var cpuPerToolCall = allCalls == 0 ? 0 : Math.Round(cpu.TotalMilliseconds / allCalls, 2);
var passed = P(platform, 0.99) < 5 && unanswered == 0 && failedTools == 0;

Say($"platform time per tool call: {Percentiles(platform)} ({measured.Length} tool calls measured, {allCalls} made)");
Say($"  tool call → request sent: {Percentiles(toRequest)}");
Say($"  answer → next LLM request: {Percentiles(toNextRequest)}");
Say($"  tool call → request at the tool server: {Percentiles(toServer)}");
Say($"unanswered turns {unanswered}, failed tool calls {failedTools}; process CPU {cpuPerToolCall} ms per tool call; load average {loadAfter}");
Say(passed ? "PASS: p99 under 5 ms" : "FAIL: p99 5 ms or more, or turns unanswered, or tools failed");

var report = new JsonObject
{
    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
    ["cores"] = Environment.ProcessorCount,
    ["load_average_before"] = loadBefore,
    ["load_average_after"] = loadAfter,
    ["cpu_pressure_before"] = pressureBefore,
    ["cpu_pressure_after"] = pressureAfter,
    ["calls"] = calls,
    ["turns_per_call"] = turns,
    ["warmup_turns"] = warmupTurns,
    ["tool_delay_ms"] = delayMs,
    ["pause_ms_max"] = pauseMs,
    ["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 1),
    ["tool_calls_made"] = allCalls,
    ["tool_calls_measured"] = measured.Length,
    ["unanswered_turns"] = unanswered,
    ["failed_tool_calls"] = failedTools,
    ["process_cpu_ms_per_tool_call"] = cpuPerToolCall,
    ["platform_ms"] = Json(platform),
    ["tool_call_to_request_sent_ms"] = Json(toRequest),
    ["answer_to_next_llm_request_ms"] = Json(toNextRequest),
    ["tool_call_to_request_at_server_ms"] = Json(toServer),
    ["request_sent_to_answer_ms"] = Json(roundTrip),
    ["target_p99_ms"] = 5,
    ["passed"] = passed,
};
Directory.CreateDirectory(settings.ResultsDir);
await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "tools.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "tools.md"), $"""
    # Tool call bench results

    Run {report["date"]} on {Environment.ProcessorCount} cores, {wall.Elapsed.TotalSeconds:0.0} s.
    Load average before `{loadBefore}`, after `{loadAfter}`.
    CPU pressure (`/proc/pressure/cpu`) before `{pressureBefore}`, after `{pressureAfter}`.

    {calls} concurrent calls, each voice-host's LLM stage (`LlmProcessor` with the call's tools from the HTTP tool
    source) in a pipeline of its own, {turns} turns per call with a pause of 0–{pauseMs} ms between them; in each turn
    the model (no latency of its own) calls the `lookup` HTTP tool, which a loopback server in the bench's process
    answers after {delayMs} ms, and is asked again with the result. The first {warmupTurns} turns of each call are left out.
    {measured.Length} tool calls measured ({allCalls} made), {unanswered} turns unanswered, {failedTools} tool calls failed.

    | | p50 ms | p95 ms | p99 ms | max ms |
    |---|---:|---:|---:|---:|
    | **platform time per tool call** (the two below added) | {Row(platform)} |
    | tool call → request sent (to the socket handler) | {Row(toRequest)} |
    | answer (headers in) → next LLM request | {Row(toNextRequest)} |
    | tool call → request at the tool server (loopback TCP and Kestrel included) | {Row(toServer)} |
    | request sent → answer (the tool's {delayMs} ms included) | {Row(roundTrip)} |

    Target p99 < 5 ms: **{(passed ? "met" : "not met")}**. Process CPU (the calls, the tool server and the
    bench together) {cpuPerToolCall} ms per tool call.

    """, ct);
return passed ? 0 : 1;

async Task<(int Unanswered, int FailedTools)> CallAsync(int index)
{
    await using var recorder = new CallRecorder(recordings);
    var call = new CallContext($"bench-call-{index}", agent.TenantId, agent, TimeProvider.System, options, recorder, NullLogger.Instance)
    {
        CampaignId = "bench-campaign",
        PhoneNumber = $"+1555{index:0000000}",
        Variables = new Dictionary<string, string> { ["name"] = $"Caller {index}" },
    };
    var ends = new ReplyEnds();
    var pipeline = new Pipeline(new LlmProcessor(call, new ToolCallingLlm(log, index), async c => await CallTools.CollectAsync(call, sources, c)), ends);
    pipeline.Start(new StartFrame(16000, 16000));
    var unanswered = 0;
    try
    {
        // Calls start spread over one tool round, so their tool calls do not all fall on the same moments.
        await Task.Delay(Random.Shared.Next(delayMs + pauseMs), ct);
        for (var turn = 0; turn < turns; turn++)
        {
            call.Conversation.Add(ChatMessage.User, "Where is my order?");
            pipeline.Enqueue(new LlmRunFrame(call.Conversation.Snapshot()));
            if (!await ends.Ended.WaitAsync(TimeSpan.FromSeconds(30), ct)) unanswered++;
            call.Conversation.Add(ChatMessage.Assistant, "Your order has shipped.");
            await Task.Delay(Random.Shared.Next(pauseMs + 1), ct);
        }
    }
    finally
    {
        await pipeline.StopAsync();
    }
    int failed;
    lock (call.Transcript) failed = call.Transcript.Count(t => t.Tool is { Ok: false });
    return (unanswered, failed);
}

static async Task<WebApplication> StartToolServerAsync(ToolCallLog log, int delayMs, CancellationToken ct)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    var app = builder.Build();
    app.MapPost("/lookup", async (HttpContext c) =>
    {
        log.Stamp(c.Request.Headers[ToolCallLog.CallIdHeader].FirstOrDefault(), (t, now) => t.Arrived = now);
        await c.Request.Body.CopyToAsync(Stream.Null, c.RequestAborted);
        await Task.Delay(delayMs, c.RequestAborted);
        c.Response.ContentType = "application/json";
        await c.Response.WriteAsync("""{"status":"shipped","eta":"tomorrow"}""", c.RequestAborted);
    });
    await app.StartAsync(ct);
    return app;
}

int Arg(string name, int fallback) =>
    args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } a ? int.Parse(a[(name.Length + 3)..], CultureInfo.InvariantCulture) : fallback;

static string Pressure() => File.Exists("/proc/pressure/cpu") ? File.ReadLines("/proc/pressure/cpu").First().Trim() : "";

static double? P(IReadOnlyList<double> values, double q)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 2);
}

static string Percentiles(IReadOnlyList<double> values) => $"p50 {P(values, 0.5)} ms, p95 {P(values, 0.95)} ms, p99 {P(values, 0.99)} ms, max {P(values, 1)} ms";

static string Row(IReadOnlyList<double> values) => $"{P(values, 0.5)} | {P(values, 0.95)} | {P(values, 0.99)} | {P(values, 1)}";

static JsonObject Json(IReadOnlyList<double> values) => new()
{
    ["count"] = values.Count,
    ["p50"] = P(values, 0.5),
    ["p95"] = P(values, 0.95),
    ["p99"] = P(values, 0.99),
    ["max"] = P(values, 1),
};
