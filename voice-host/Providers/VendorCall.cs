using System.Net.WebSockets;
using System.Text.Json;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// The deadline of one streamed vendor call: the first byte must arrive within the timeout, and each later piece
/// within the timeout of the one before, so a vendor that stalls mid-stream fails instead of hanging the turn.
/// Its <see cref="Token"/> is also cancelled by the caller's token.
/// </summary>
public sealed class StreamDeadline : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _caller;

    public StreamDeadline(TimeSpan timeout, CancellationToken caller)
    {
        Timeout = timeout;
        _caller = caller;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _cts.CancelAfter(timeout);
    }

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _cts.Token;

    /// <summary>True when the caller, not the deadline, cancelled the call.</summary>
    public bool CallerCancelled => _caller.IsCancellationRequested;

    public CancellationToken CallerToken => _caller;

    /// <summary>Something arrived: the next piece has a full timeout again.</summary>
    public void Extend()
    {
        if (!_cts.IsCancellationRequested) _cts.CancelAfter(Timeout);
    }

    public void Dispose() => _cts.Dispose();
}

/// <summary>Turns the ways a vendor call fails into <see cref="ProviderException"/>s a resilience layer can act on.</summary>
public static class VendorCall
{
    /// <summary>
    /// The HTTP client of one provider: pooled connections, renewed now and then so DNS changes are seen. A response
    /// abandoned mid-stream (a barge-in, a cancel) closes its connection at once instead of draining it, so the vendor
    /// sees the abort and stops generating.
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxResponseDrainSize = 0,
        ResponseDrainTimeout = TimeSpan.Zero,
    })
    {
        // Each call has its own deadline (StreamDeadline); a client-wide timeout would only get in its way.
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

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
            _ when deadline.Token.IsCancellationRequested => new ProviderException(provider, $"no response within {deadline.Timeout.TotalSeconds:0.###} s", e),
            OperationCanceledException or TimeoutException => new ProviderException(provider, $"timed out: {e.Message}", e),
            HttpRequestException { StatusCode: { } status } => new ProviderException(provider, $"HTTP {(int)status} {status}", e),
            HttpRequestException or IOException => new ProviderException(provider, $"connection failed or dropped: {e.Message}", e),
            WebSocketException w => new ProviderException(provider, WebSocketMessage(w), e),
            JsonException or FormatException or InvalidDataException => new ProviderException(provider, $"malformed response: {e.Message}", e),
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
        return body.Length > 300 ? body[..300] + "…" : body.Trim();
    }

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
