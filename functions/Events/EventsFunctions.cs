using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Telemetry;

namespace VoiceAgents.Functions.Events;

/// <summary>
/// Hands each platform event to every <see cref="IEventHandler"/> (webhook fan-out, live updates). An exception
/// escapes, so the host redelivers the message and finally moves it to <c>events-poison</c>; handlers are idempotent
/// per event id, so a handler that already succeeded does no harm when its neighbour's failure brings the event back.
/// </summary>
public sealed class EventsFunctions(IEnumerable<IEventHandler> handlers)
{
    [Function("DispatchEvent")]
    public async Task DispatchEvent([QueueTrigger("%" + QueueNames.EventsSetting + "%")] PlatformEvent e, CancellationToken ct)
    {
        // Continues the trace of whatever raised the event; handlers' HTTP calls (webhooks) become its children.
        using var activity = Tracing.StartFromMessage("event.dispatch", ActivityKind.Consumer, e.TraceParent, (string?)e.Data["call_id"]);
        activity?.SetTag("event_type", e.Type).SetTag("event_id", e.Id);
        List<Exception>? failures = null;
        foreach (var handler in handlers)
        {
            try
            {
                await handler.HandleAsync(e, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                (failures ??= []).Add(ex);
            }
        }
        if (failures is { Count: 1 }) throw failures[0];
        if (failures is not null) throw new AggregateException($"event {e.Id}: {failures.Count} handlers failed", failures);
    }
}

public static class EventsFeature
{
    public static IServiceCollection AddEventsFeature(this IServiceCollection services) => services;
}
