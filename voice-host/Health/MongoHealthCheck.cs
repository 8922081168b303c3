using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoiceAgents.Core.Data;

namespace VoiceAgents.VoiceHost.Health;

/// <summary>MongoDB answers a ping (within the check's timeout; a failure or the timeout reports it unhealthy).</summary>
public sealed class MongoHealthCheck(MongoContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await db.PingAsync(ct);
        return HealthCheckResult.Healthy();
    }
}
