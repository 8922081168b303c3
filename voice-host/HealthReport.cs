using System.Diagnostics;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Data;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost;

/// <summary>
/// The detailed health of this instance, for the operator and the readiness probe only (it names providers, memory
/// and load): served on the operator port (<see cref="OperatorEndpoints"/>), never on the public one, whose
/// <c>/health/live</c> says no more than "alive". 503 while the VAD is not loaded, MongoDB is down or it drains.
/// </summary>
public static class HealthReport
{
    public static async Task<IResult> GetAsync(IServiceProvider services, CancellationToken ct)
    {
        var metrics = services.GetRequiredService<VoiceMetrics>();
        var db = services.GetRequiredService<MongoContext>();
        var readiness = services.GetRequiredService<Readiness>();
        var cloud = services.GetRequiredService<CloudLlmTtsHealth>();
        var spool = services.GetRequiredService<CallSpool>();
        var options = services.GetRequiredService<IOptions<VoiceOptions>>().Value;
        using var process = Process.GetCurrentProcess();
        var mongo = "healthy";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await db.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            mongo = "unhealthy";
        }
        var providers = new Dictionary<string, string>
        {
            ["stt.local"] = PocketSphinxStt.IsAvailable ? "healthy" : "unavailable",
            ["tts.local"] = LocalTts.IsAvailable ? "healthy" : "unavailable",
            ["llm.rules"] = "healthy",
        };
        CloudSttSetup.ReportCloudStt(services, providers);
        cloud.Report(providers);
        var healthy = mongo == "healthy" && readiness.CanTakeCalls;
        return Results.Json(new
        {
            status = healthy ? "healthy" : readiness.Draining ? "draining" : "unhealthy",
            timestamp = DateTime.UtcNow,
            active_connections = metrics.Active,
            // Calls waiting for S3 or the queue: nothing is lost, but post-call processing is behind.
            checks = new { mongo, vad = readiness.Vad, accepting_calls = readiness.CanTakeCalls, spooled_calls = options.CallSink == VoiceOptions.QueueSink ? spool.Count : 0 },
            providers,
            memory = new { working_set_bytes = process.WorkingSet64, gc_heap_bytes = GC.GetTotalMemory(false) },
        }, statusCode: healthy ? 200 : 503);
    }
}
