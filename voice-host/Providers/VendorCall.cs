using System.Net.WebSockets;
using System.Text.Json;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Turns the ways a vendor call fails into <see cref="ProviderException"/>s a resilience layer can act on.</summary>
public static class VendorCall
{
    /// <summary>
    /// What to throw for a failure of a vendor call: an <see cref="OperationCanceledException"/> when the caller
    /// cancelled, else a <see cref="ProviderException"/> (the deadline passed, the network failed, the stream
    /// dropped, or <paramref name="vendor"/> recognised a vendor error).
    /// </summary>
    public static Exception Failure(string provider, Exception e, StreamDeadline deadline, Func<Exception, ProviderException?>? vendor = null)
    {
        if (e is ProviderException) return e;
        if (deadline.CallerCancelled) return e as OperationCanceledException ?? new OperationCanceledException("cancelled", e, deadline.CallerToken);
        if (vendor?.Invoke(e) is { } known) return known;
        return e switch
        {
            _ when deadline.Token.IsCancellationRequested => new ProviderException(provider, deadline.Expired, e),
            OperationCanceledException or TimeoutException => new ProviderException(provider, $"timed out: {e.Message}", e),
            HttpRequestException { StatusCode: { } status } => new ProviderException(provider, $"HTTP {(int)status} {status}", e),
            HttpRequestException or IOException => new ProviderException(provider, $"request failed: {e.Message}", e),
            WebSocketException w => new ProviderException(provider, WebSocketMessage(w), e),
            JsonException or FormatException or InvalidDataException => new ProviderException(provider, $"unreadable response: {e.Message}", e),
            _ => new ProviderException(provider, $"{e.GetType().Name}: {e.Message}", e),
        };
    }

    /// <summary>
    /// Enumerates a vendor stream under a deadline, extending it on each item and turning failures into
    /// <see cref="ProviderException"/>s (see <see cref="Failure"/>).
    /// </summary>
    public static async IAsyncEnumerable<T> GuardAsync<T>(string provider, IAsyncEnumerable<T> source, StreamDeadline deadline,
        Func<Exception, ProviderException?>? vendor = null)
    {
        IAsyncEnumerator<T>? e = null;
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    e ??= source.GetAsyncEnumerator(deadline.Token);
                    more = await e.MoveNextAsync();
                }
                catch (Exception ex)
                {
                    throw Failure(provider, ex, deadline, vendor);
                }
                if (!more) yield break;
                deadline.Extend();
                yield return e.Current;
                // Time the consumer spent on the item is not the vendor's delay.
                deadline.Extend();
            }
        }
        finally
        {
            if (e is not null)
            {
                try
                {
                    await e.DisposeAsync();
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException or ObjectDisposedException)
                {
                    // Disposing a stream that already failed or was cancelled may fail again; the first failure counts.
                }
            }
        }
    }

    private static string WebSocketMessage(WebSocketException e) => e.WebSocketErrorCode switch
    {
        WebSocketError.ConnectionClosedPrematurely => "connection dropped mid-stream",
        WebSocketError.NotAWebSocket => "the server refused the WebSocket handshake",
        _ => $"WebSocket failure: {e.Message}",
    };

    /// <summary>
    /// The human-readable message in a vendor's JSON error body: <c>{"error":{"message":...}}</c> (OpenAI, Google,
    /// Anthropic), <c>{"error":"..."}</c>, <c>{"message":...}</c>, <c>{"status_text":...}</c> or
    /// <c>{"detail":...}</c> (FastAPI); otherwise the body itself, shortened.
    /// </summary>
    public static string ErrorMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "(empty body)";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (FindMessage(doc.RootElement) is { Length: > 0 } m) return m;
        }
        catch (JsonException)
        {
        }
        return Snippet(body);
    }

    /// <summary>The start of a body, for an error message.</summary>
    public static string Snippet(string body) => body.Length > 300 ? body[..300] + "…" : body.Trim();

    private static string? FindMessage(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString();
        if (e.ValueKind == JsonValueKind.Array) return e.GetArrayLength() > 0 ? FindMessage(e[0]) : null;
        if (e.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in (ReadOnlySpan<string>)["error", "message", "status_text", "detail", "msg", "title"])
        {
            if (e.TryGetProperty(name, out var v) && FindMessage(v) is { Length: > 0 } m) return m;
        }
        return null;
    }
}
