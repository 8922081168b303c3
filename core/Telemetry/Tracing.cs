using System.Diagnostics;

namespace VoiceAgents.Core.Telemetry;

/// <summary>
/// The platform's spans. A call's trace runs from the caller's WebSocket upgrade through the voice-host session,
/// its delivery to the call-completed queue, the StoreCall function and the events it raises; across a queue the
/// W3C <c>traceparent</c> travels in the message (<c>trace_parent</c>), and every span carries <c>call_id</c>.
/// </summary>
public static class Tracing
{
    public const string SourceName = "VoiceAgents";
    public const string CallIdTag = "call_id";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts a span that continues the trace named by <paramref name="traceParent"/> (a message's <c>trace_parent</c>),
    /// or the ambient one when the message carries none. Null when nothing listens.
    /// </summary>
    public static Activity? StartFromMessage(string name, ActivityKind kind, string? traceParent, string? callId)
    {
        var parent = ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        var activity = Source.StartActivity(name, kind, parent);
        if (callId is not null) activity?.SetTag(CallIdTag, callId);
        return activity;
    }

    /// <summary>The current span as a W3C traceparent, to put in an outgoing message.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
