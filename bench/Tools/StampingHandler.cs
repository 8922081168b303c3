namespace VoiceAgents.Bench.Tools;

/// <summary>
/// The innermost handler added to voice-host's <c>tools</c> client (only the client factory's logging handler is
/// between it and the socket handler): when a tool request leaves the platform's code, and when the answer's
/// headers are back in it.
/// </summary>
public sealed class StampingHandler(ToolCallLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var id = request.Headers.TryGetValues(ToolCallLog.CallIdHeader, out var values) ? values.FirstOrDefault() : null;
        log.Stamp(id, (t, now) => t.Sent = now);
        var response = await base.SendAsync(request, ct);
        log.Stamp(id, (t, now) => t.Answered = now);
        return response;
    }
}
