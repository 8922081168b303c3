using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VoiceAgents.VoiceHost.Health;

/// <summary>The JSON the health endpoints answer with, as README documents it.</summary>
public static class HealthResponses
{
    /// <summary><c>{"status":"alive"}</c>.</summary>
    public static Task WriteLivenessAsync(HttpContext http, HealthReport report) =>
        http.Response.WriteAsJsonAsync(new { status = report.Status == HealthStatus.Unhealthy ? "unhealthy" : "alive" });

    /// <summary>
    /// <c>status</c> (healthy, draining or unhealthy), <c>timestamp</c>, <c>active_connections</c>, <c>checks</c>
    /// (mongo, vad, accepting_calls, spooled_calls), <c>providers</c> (<c>stt.local</c>: healthy, unavailable,
    /// configured or not_configured) and <c>memory</c>.
    /// </summary>
    public static Task WriteReadinessAsync(HttpContext http, HealthReport report)
    {
        var calls = report.Entries["calls"].Data;
        var ready = report.Status != HealthStatus.Unhealthy;
        using var process = Process.GetCurrentProcess();
        return http.Response.WriteAsJsonAsync(new
        {
            status = ready ? "healthy" : calls.TryGetValue(CallsHealthCheck.Draining, out var draining) && draining is true ? "draining" : "unhealthy",
            timestamp = DateTime.UtcNow,
            active_connections = calls.GetValueOrDefault(CallsHealthCheck.ActiveConnections, 0),
            checks = new
            {
                mongo = report.Entries["mongo"].Status == HealthStatus.Healthy ? "healthy" : "unhealthy",
                vad = calls.GetValueOrDefault(CallsHealthCheck.Vad, "unknown"),
                accepting_calls = calls.GetValueOrDefault(CallsHealthCheck.AcceptingCalls, false),
                spooled_calls = calls.GetValueOrDefault(CallsHealthCheck.SpooledCalls, 0),
            },
            providers = report.Entries.Where(e => e.Value.Tags.Contains(VoiceHostHealth.Provider))
                .ToDictionary(e => e.Key, e => e.Value.Description ?? e.Value.Status.ToString().ToLowerInvariant()),
            memory = new { working_set_bytes = process.WorkingSet64, gc_heap_bytes = GC.GetTotalMemory(false) },
        });
    }
}
