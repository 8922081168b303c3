using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Queues;

namespace VoiceAgents.Functions.PostCall;

/// <summary>
/// Queue triggers of post-call processing. They let exceptions escape, so the host retries a message and, after
/// host.json's maxDequeueCount, moves it to <c>&lt;queue&gt;-poison</c>.
/// </summary>
public sealed class PostCallFunctions(StoreCallHandler store)
{
    /// <summary>The queue is named by the app setting <c>CallCompletedQueue</c> (default <c>call-completed</c>).</summary>
    [Function("StoreCall")]
    public Task StoreCall([QueueTrigger("%" + QueueNames.CallCompletedSetting + "%")] CallCompletedMessage message, CancellationToken ct) =>
        store.HandleAsync(message, ct);
}

public static class PostCallFeature
{
    public static IServiceCollection AddPostCallFeature(this IServiceCollection services) =>
        services.AddSingleton<CallAnalytics>().AddSingleton<CallRecords>().AddScoped<StoreCallHandler>();
}
