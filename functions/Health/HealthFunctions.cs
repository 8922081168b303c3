using Azure.Storage.Queues;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Storage;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Health;

public sealed record HealthCheck(string Status, double DurationMs, string? Error = null);

public sealed record HealthResponse(string Status, DateTime Timestamp, IReadOnlyDictionary<string, HealthCheck> Checks);

public sealed class HealthFunctions(HealthCheckService health, TimeProvider time)
{
    [Function("Health"), AllowAnonymous]
    [OpenApiOperation("health", "Liveness of MongoDB, S3 and the queue service; 503 when one fails", null, typeof(HealthResponse))]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        var healthy = report.Status == HealthStatus.Healthy;
        var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthCheck(
            e.Value.Status == HealthStatus.Healthy ? "healthy" : "unhealthy", e.Value.Duration.TotalMilliseconds, Error(e.Value)));
        var body = new HealthResponse(healthy ? "healthy" : "unhealthy", time.GetUtcNow().UtcDateTime, checks);
        return TypedResults.Json(body, statusCode: healthy ? 200 : 503);
    }

    private static string? Error(HealthReportEntry entry) => entry.Status == HealthStatus.Healthy ? null : entry.Exception switch
    {
        TimeoutException or OperationCanceledException => "timed out",
        { } e => e.GetType().Name + ": " + e.Message.Split('\n')[0],
        null => entry.Description ?? "unhealthy",
    };
}

public static class HealthFeature
{
    /// <summary>Each store gets this long before its check counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The checks behind <c>GET /api/health</c>: MongoDB, S3 and the queue service, run together.</summary>
    public static IServiceCollection AddHealthFeature(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .Add(Store("mongo", sp => sp.GetRequiredService<MongoContext>().PingAsync))
            .Add(Store("s3", sp => sp.GetRequiredService<IObjectStore>().PingAsync))
            .Add(Store("queue", sp => ct => sp.GetRequiredService<QueueServiceClient>().GetPropertiesAsync(ct)));
        return services;
    }

    private static HealthCheckRegistration Store(string name, Func<IServiceProvider, Func<CancellationToken, Task>> probe) =>
        new(name, sp => new StoreHealthCheck(probe(sp)), HealthStatus.Unhealthy, tags: null, timeout: CheckTimeout);
}
