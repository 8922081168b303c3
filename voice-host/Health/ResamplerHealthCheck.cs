using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Health;

/// <summary>
/// Whether libsoxr (Debian's libsoxr0), the resampler of every call whose audio is not at 16 kHz (phones at 8 kHz,
/// browsers at 48), can be loaded: without it those calls fail at their first frame, so the instance is not ready.
/// </summary>
public sealed class ResamplerHealthCheck : IHealthCheck
{
    public const string Name = "resampler";

    // A library present at start stays so; loading it once also spares a dlopen per probe.
    private static readonly bool Loadable = Resampler.IsAvailable;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(Loadable ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("libsoxr.so.0 cannot be loaded: install Debian's libsoxr0"));
}
