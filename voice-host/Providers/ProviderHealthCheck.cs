using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A provider's health as its descriptor says it (no call to the vendor).</summary>
public sealed class ProviderHealthCheck(ProviderDescriptor provider, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(provider.Health(services));
}
