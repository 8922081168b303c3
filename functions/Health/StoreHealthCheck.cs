using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VoiceAgents.Functions.Health;

/// <summary>
/// Healthy when one cheap round trip to a store succeeds (a MongoDB ping, an S3 bucket check, the queue service's
/// properties). A failure or a time-out is reported by <see cref="HealthCheckService"/>, which records the exception.
/// </summary>
public sealed class StoreHealthCheck(Func<CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        // A client that ignores the token must not hold the check past its time-out.
        await probe(ct).WaitAsync(ct);
        return HealthCheckResult.Healthy();
    }
}
