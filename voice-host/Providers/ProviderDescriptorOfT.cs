using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A provider without settings of its own; offline ones say whether their engine is <see cref="Available"/>.</summary>
public class ProviderDescriptor<TProvider> : ProviderDescriptor where TProvider : class, IDescribedProvider
{
    public override ProviderKind Kind { get; } = KindOf(typeof(TProvider));

    public override Type ProviderType => typeof(TProvider);

    /// <summary>Whether its engine (a native library, a model on disk) is there; by default it needs none.</summary>
    public Func<bool> Available { get; init; } = () => true;

    public override HealthCheckResult Health(IServiceProvider services) =>
        Available() ? HealthCheckResult.Healthy("healthy") : HealthCheckResult.Degraded("unavailable");
}
