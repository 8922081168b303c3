using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost.Health;

/// <summary>
/// voice-host's health checks and the two endpoints that serve them. Liveness (tag <see cref="Live"/>) is public,
/// <c>/health/live</c>, and says only "alive". Readiness (tag <see cref="Ready"/>: MongoDB, taking calls, and each
/// provider as its descriptor says) is the detailed <c>/health</c> on the operator port (<see cref="OperatorEndpoints"/>),
/// 503 while MongoDB is down, the VAD is not loaded or it drains. Providers never make it unready: one that is
/// unavailable is degraded, and the agent's fallback stands in for it.
/// </summary>
public static class VoiceHostHealth
{
    public const string Live = "live";
    public const string Ready = "ready";
    public const string Provider = "provider";

    public static IServiceCollection AddVoiceHostHealth(this IServiceCollection services)
    {
        var checks = services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [Live])
            .AddCheck<MongoHealthCheck>("mongo", HealthStatus.Unhealthy, [Ready], TimeSpan.FromSeconds(2))
            .AddCheck<CallsHealthCheck>("calls", HealthStatus.Unhealthy, [Ready]);
        foreach (var provider in ProviderDescriptors.All)
        {
            checks.Add(new HealthCheckRegistration(provider.Key, sp => new ProviderHealthCheck(provider, sp), HealthStatus.Degraded, [Ready, Provider]));
        }
        return services;
    }

    /// <summary>The public liveness endpoint: the process serves HTTP (also while draining), and nothing more is said.</summary>
    public static IEndpointConventionBuilder MapLiveness(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Live),
            ResponseWriter = HealthResponses.WriteLivenessAsync,
        }).WithMetadata(new HttpMethodMetadata(["GET"]));

    /// <summary>The detailed readiness endpoint, for the operator port only (it names providers, memory and load).</summary>
    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = HealthResponses.WriteReadinessAsync,
        }).WithMetadata(new HttpMethodMetadata(["GET"]));
}
