using System.Diagnostics;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Storage;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Health;

public sealed record HealthCheck(string Status, double DurationMs, string? Error = null);

public sealed record HealthResponse(string Status, DateTime Timestamp, IReadOnlyDictionary<string, HealthCheck> Checks);

public sealed class HealthFunctions(MongoContext db, IObjectStore store, QueueServiceClient queues, TimeProvider time)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    [Function("Health"), AllowAnonymous]
    [OpenApiOperation("health", "Liveness of MongoDB, S3 and the queue service; 503 when one fails", null, typeof(HealthResponse))]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct)
    {
        var checks = await Task.WhenAll(
            Check("mongo", db.PingAsync, ct),
            Check("s3", store.PingAsync, ct),
            Check("queue", c => queues.GetPropertiesAsync(c), ct));
        var healthy = checks.All(c => c.Check.Status == "healthy");
        var body = new HealthResponse(healthy ? "healthy" : "unhealthy", time.GetUtcNow().UtcDateTime, checks.ToDictionary(c => c.Name, c => c.Check));
        return TypedResults.Json(body, statusCode: healthy ? 200 : 503);
    }

    private static async Task<(string Name, HealthCheck Check)> Check(string name, Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await probe(timeout.Token).WaitAsync(CheckTimeout, ct);
            return (name, new HealthCheck("healthy", Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var error = e is TimeoutException or OperationCanceledException ? "timed out" : e.GetType().Name + ": " + e.Message.Split('\n')[0];
            return (name, new HealthCheck("unhealthy", Stopwatch.GetElapsedTime(started).TotalMilliseconds, error));
        }
    }
}
