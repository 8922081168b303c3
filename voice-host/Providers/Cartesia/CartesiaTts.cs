using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Cartesia;

/// <summary>
/// The <c>cartesia</c> TTS: Cartesia's streaming WebSocket API. Each sentence is one generation request on its own
/// <c>context_id</c>, asking for raw <c>pcm_s16le</c> at 16 kHz; <c>chunk</c> messages carry base64 audio that is
/// yielded as it arrives, <c>done</c> ends the sentence, <c>error</c> fails it. A connection that finished a sentence
/// cleanly waits, briefly, for the next one; a cancelled or failed one is aborted, which stops the generation.
/// </summary>
public sealed partial class CartesiaTts(IOptions<CartesiaOptions> options, IHttpMessageHandlerFactory http, ILogger<CartesiaTts> log)
    : ITtsProvider, IDescribedProvider, IDisposable
{
    public const int SampleRate = 16000;
    private const int MaxIdleConnections = 4;

    private readonly CartesiaOptions _options = options.Value;
    private readonly ConcurrentQueue<(ClientWebSocket Socket, long Since)> _idle = new();

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<CartesiaTts, CartesiaOptions>
    {
        Info = new("cartesia", "Cartesia (streaming)", Offline: false, [
            new("voice", "string", "Cartesia voice id"),
            new("speed", "number", "0.5 to 2")]),
        Order = 10,
        Section = CartesiaOptions.Section,
        Settings = ["ApiKey"],
        IsConfigured = o => o.IsConfigured,
    };

    public string Name => Descriptor.Name;

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!_options.IsConfigured) throw new ProviderException(Name, $"not configured: {CartesiaOptions.Section}:ApiKey is not set");
        var voice = string.IsNullOrWhiteSpace(config.Voice) ? _options.Voice : config.Voice;
        if (string.IsNullOrWhiteSpace(voice)) throw new ProviderException(Name, $"no voice: set the agent's tts.voice or {CartesiaOptions.Section}:Voice");
        var contextId = Guid.NewGuid().ToString("N");
        var request = Request(text, voice, language, config.Speed, contextId);

        using var deadline = new StreamDeadline(_options.Timeout, ct);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        ClientWebSocket? socket = null;
        var reusable = false;
        try
        {
            Reply first;
            (socket, first) = await StartAsync(request, buffer, deadline);
            byte? carry = null;
            for (var reply = first; ; reply = await ReceiveAsync(socket, buffer, deadline))
            {
                if (reply.ContextId is { } id && id != contextId) continue;
                if (reply.Audio is { Length: > 0 } audio && Pcm(audio, ref carry) is { Length: > 0 } chunk) yield return chunk;
                if (reply.Done)
                {
                    reusable = true;
                    yield break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (socket is not null)
            {
                if (reusable && socket.State == WebSocketState.Open && _idle.Count < MaxIdleConnections) _idle.Enqueue((socket, Environment.TickCount64));
                else Close(socket);
            }
        }
    }

    /// <summary>
    /// Sends the request on an idle connection, or a new one, and waits for the first reply. An idle connection the
    /// server has meanwhile closed fails before any reply; the request is then sent once more on a new connection.
    /// </summary>
    private async Task<(ClientWebSocket, Reply)> StartAsync(byte[] request, byte[] buffer, StreamDeadline deadline)
    {
        while (TakeIdle() is { } idle)
        {
            try
            {
                await idle.SendAsync(request, WebSocketMessageType.Text, true, deadline.Token);
                return (idle, await ReceiveAsync(idle, buffer, deadline));
            }
            catch (Exception e) when (IsStale(e) && !deadline.Token.IsCancellationRequested)
            {
                LogStaleConnection(log, e.Message);
                Close(idle);
            }
            catch (Exception e)
            {
                Close(idle);
                throw VendorCall.Failure(Name, e, deadline);
            }
        }
        var socket = await ConnectAsync(deadline);
        try
        {
            await socket.SendAsync(request, WebSocketMessageType.Text, true, deadline.Token);
            return (socket, await ReceiveAsync(socket, buffer, deadline));
        }
        catch (Exception e)
        {
            Close(socket);
            throw VendorCall.Failure(Name, e, deadline);
        }
    }

    private static bool IsStale(Exception e) =>
        e is WebSocketException or IOException || e is ProviderException { InnerException: WebSocketException or IOException };

    private ClientWebSocket? TakeIdle()
    {
        while (_idle.TryDequeue(out var idle))
        {
            if (idle.Socket.State == WebSocketState.Open && Environment.TickCount64 - idle.Since < _options.IdleConnectionLifetime.TotalMilliseconds) return idle.Socket;
            Close(idle.Socket);
        }
        return null;
    }

    private async Task<ClientWebSocket> ConnectAsync(StreamDeadline deadline)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Cartesia-Version", _options.Version);
        var uri = new Uri($"{_options.BaseUrl.TrimEnd('/')}/tts/websocket?api_key={Uri.EscapeDataString(_options.ApiKey!)}&cartesia_version={Uri.EscapeDataString(_options.Version)}");
        try
        {
            using var invoker = VendorHttp.WebSocketInvoker(http, Descriptor.Key);
            await socket.ConnectAsync(uri, invoker, deadline.Token);
            return socket;
        }
        catch (WebSocketException e) when (socket.HttpStatusCode != 0 && !deadline.Token.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw new ProviderException(Name, $"HTTP {(int)status}: the WebSocket handshake was refused", e);
        }
        catch (Exception e)
        {
            socket.Dispose();
            throw VendorCall.Failure(Name, e, deadline);
        }
    }

    /// <summary>Reads the next whole message and parses it; a close, a drop or an <c>error</c> message throw.</summary>
    private async Task<Reply> ReceiveAsync(ClientWebSocket socket, byte[] buffer, StreamDeadline deadline)
    {
        byte[]? large = null;
        var length = 0;
        // Only the wait for the server counts against the deadline, not the time the consumer took.
        deadline.Extend();
        try
        {
            while (true)
            {
                var target = large ?? buffer;
                if (length == target.Length)
                {
                    var grown = ArrayPool<byte>.Shared.Rent(target.Length * 2);
                    target.AsSpan(0, length).CopyTo(grown);
                    if (large is not null) ArrayPool<byte>.Shared.Return(large);
                    large = target = grown;
                }
                var result = await socket.ReceiveAsync(target.AsMemory(length), deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new ProviderException(Name, $"the server closed the connection before the audio was done ({socket.CloseStatus} {socket.CloseStatusDescription})",
                        new WebSocketException(WebSocketError.ConnectionClosedPrematurely));
                }
                length += result.Count;
                if (!result.EndOfMessage) continue;
                deadline.Extend();
                return Parse((large ?? buffer).AsSpan(0, length));
            }
        }
        catch (Exception e)
        {
            throw VendorCall.Failure(Name, e, deadline);
        }
        finally
        {
            if (large is not null) ArrayPool<byte>.Shared.Return(large);
        }
    }

    private Reply Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        var contextId = root.TryGetProperty("context_id", out var c) ? c.GetString() : null;
        var done = root.TryGetProperty("done", out var d) && d.ValueKind == JsonValueKind.True;
        if (type == "error")
        {
            var message = VendorCall.ErrorMessage(root.GetRawText());
            LogVendorError(log, message);
            throw new ProviderException(Name, message);
        }
        byte[]? audio = null;
        if (type == "chunk" && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String) audio = data.GetBytesFromBase64();
        return new Reply(contextId, audio, done || type == "done");
    }

    /// <summary>PCM16 from a chunk, keeping an odd trailing byte for the next one.</summary>
    private static AudioChunk? Pcm(byte[] audio, ref byte? carry)
    {
        ReadOnlySpan<byte> bytes = audio;
        byte[]? joined = null;
        if (carry is { } c)
        {
            joined = new byte[audio.Length + 1];
            joined[0] = c;
            audio.CopyTo(joined, 1);
            bytes = joined;
            carry = null;
        }
        if ((bytes.Length & 1) == 1)
        {
            carry = bytes[^1];
            bytes = bytes[..^1];
        }
        return bytes.Length == 0 ? null : AudioChunk.FromBytes(bytes, SampleRate);
    }

    private byte[] Request(string text, string voice, string language, double? speed, string contextId)
    {
        var request = new Dictionary<string, object>
        {
            ["model_id"] = _options.Model,
            ["transcript"] = text,
            ["voice"] = new { mode = "id", id = voice },
            ["language"] = HttpTts.PrimaryLanguage(language, "en"),
            ["output_format"] = new { container = "raw", encoding = "pcm_s16le", sample_rate = SampleRate },
            ["context_id"] = contextId,
            ["continue"] = false,
        };
        if (speed is { } s) request["generation_config"] = new { speed = Math.Clamp(s, 0.6, 1.5) };
        return JsonSerializer.SerializeToUtf8Bytes(request);
    }

    private static void Close(ClientWebSocket socket)
    {
        // Abort rather than a close handshake: it is immediate, and it tells Cartesia to stop generating.
        socket.Abort();
        socket.Dispose();
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out var idle)) Close(idle.Socket);
    }

    private sealed record Reply(string? ContextId, byte[]? Audio, bool Done);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cartesia returned an error: {Error}")]
    private static partial void LogVendorError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "cartesia: an idle connection had gone stale ({Reason}); reconnecting")]
    private static partial void LogStaleConnection(ILogger logger, string reason);
}
