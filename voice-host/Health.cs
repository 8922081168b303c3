using System.Diagnostics;

namespace VoiceAgents.VoiceHost;

/// <summary>Calls in progress, as the health endpoint and the drain logic see them.</summary>
public sealed class ActiveCalls
{
    private int _count;
    public int Count => Volatile.Read(ref _count);
    public void Enter() => Interlocked.Increment(ref _count);
    public void Leave() => Interlocked.Decrement(ref _count);
}

public static class VoiceHostSetup
{
    public static IServiceCollection AddVoiceHost(this IServiceCollection services)
    {
        services.AddSingleton<ActiveCalls>();
        return services;
    }

    public static IEndpointRouteBuilder MapVoiceHostHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (ActiveCalls calls) =>
        {
            using var process = Process.GetCurrentProcess();
            return TypedResults.Ok(new
            {
                status = "healthy",
                timestamp = DateTime.UtcNow,
                active_connections = calls.Count,
                memory = new { working_set_bytes = process.WorkingSet64, gc_heap_bytes = GC.GetTotalMemory(false) },
            });
        });
        return app;
    }
}
