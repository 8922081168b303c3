using VoiceAgents.VoiceHost.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.VoiceHost.Health;

/// <summary>
/// Whether this instance takes calls: unhealthy while the VAD model is not loaded or it drains. Also says how many
/// calls it holds, and how many wait in the spool for S3 or the queue (nothing is lost, but post-call processing
/// is behind).
/// </summary>
public sealed class CallsHealthCheck(Readiness readiness, VoiceMetrics metrics, CallSpool spool, IOptions<VoiceOptions> options) : IHealthCheck
{
    public const string Vad = "vad";
    public const string AcceptingCalls = "accepting_calls";
    public const string Draining = "draining";
    public const string ActiveConnections = "active_connections";
    public const string SpooledCalls = "spooled_calls";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>
        {
            [Vad] = readiness.Vad,
            [AcceptingCalls] = readiness.CanTakeCalls,
            [Draining] = readiness.Draining,
            [ActiveConnections] = metrics.Active,
            [SpooledCalls] = options.Value.CallSink == VoiceOptions.QueueSink ? spool.Count : 0,
        };
        return Task.FromResult(readiness.CanTakeCalls
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Unhealthy(readiness.Draining ? "draining" : $"the VAD is {readiness.Vad}", data: data));
    }
}
