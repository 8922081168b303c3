using System.Text;
using System.Text.Json;
using VoiceAgents.Core.Net;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// The HTTP side of every vendor: one named client per provider from <see cref="IHttpClientFactory"/> (its
/// <see cref="ProviderDescriptor.Key"/>, <c>tts.google</c>), also under the WebSocket vendors' handshakes, and the
/// one request-and-reply exchange the batch vendors (speech-to-text, whole-clip text-to-speech) make.
/// </summary>
public static class VendorHttp
{
    /// <summary>
    /// Registers the client named <paramref name="name"/>: pooled connections, renewed every few minutes so DNS
    /// changes are seen (the handler itself is kept, since an SDK client holds its HttpClient for good). A response
    /// abandoned mid-stream (a barge-in, a cancel) closes its connection at once instead of draining it, so the
    /// vendor sees the abort and stops generating. No client-wide timeout: each call has its own
    /// <see cref="StreamDeadline"/>, so a timeout is told apart from a cancellation.
    /// Also registers <c>{name}#tenant</c>, the same client for a server a tenant named (its key's <c>base_url</c>):
    /// every connection it opens goes through the <see cref="SsrfGuard"/>, so a name that resolved to a public address
    /// when the key was saved cannot later be pointed at voice-host's own network (DNS rebinding).
    /// </summary>
    public static IHttpClientBuilder AddClient(IServiceCollection services, string name)
    {
        services.AddHttpClient(TenantTargetClients.NameFor(name), c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(sp.GetRequiredService<SsrfGuard>().ConnectAsync))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => Handler(null))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    private static SocketsHttpHandler Handler(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxResponseDrainSize = 0,
        ResponseDrainTimeout = TimeSpan.Zero,
        ConnectCallback = connect,
    };

    /// <summary>What a <see cref="System.Net.WebSockets.ClientWebSocket"/> connects through: the provider's client's handlers, not a pool of its own.</summary>
    public static HttpMessageInvoker WebSocketInvoker(IHttpMessageHandlerFactory handlers, string name) =>
        new(handlers.CreateHandler(name), disposeHandler: false);

    /// <summary>
    /// Sends the request and returns the body of a successful reply, under <paramref name="deadline"/> (the first
    /// byte, then the body; or the whole exchange for a <see cref="StreamDeadline.Whole"/> one). A non-2xx status
    /// (with the vendor's message: <paramref name="vendorError"/>'s reading of the body, else the usual places of one),
    /// a network failure, a reply cut short or the deadline passing become a <see cref="ProviderException"/>; the
    /// caller's cancellation an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<byte[]> SendAsync(HttpClient http, string provider, HttpRequestMessage request, StreamDeadline deadline,
        Func<JsonElement, string?>? vendorError = null)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            deadline.Extend();
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            if (response.IsSuccessStatusCode) return body;
            throw new ProviderException(provider, $"HTTP {(int)response.StatusCode}: {ErrorMessage(body, vendorError)}");
        }
        catch (Exception e)
        {
            throw VendorCall.Failure(provider, e, deadline);
        }
    }

    /// <summary>Reads a successful body as JSON, so that a malformed one is a provider failure too.</summary>
    public static T Read<T>(string provider, byte[] body, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ProviderException(provider, $"unreadable response: {Text(body)}", e);
        }
    }

    /// <summary>A string property, or null.</summary>
    public static string? Text(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string ErrorMessage(byte[] body, Func<JsonElement, string?>? vendorError)
    {
        if (vendorError is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (vendorError(doc.RootElement) is { Length: > 0 } message) return message;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
            }
        }
        return VendorCall.ErrorMessage(Encoding.UTF8.GetString(body));
    }

    private static string Text(byte[] body) => VendorCall.Snippet(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 301)));
}
