using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Client;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// A loopback Deepgram live-transcription endpoint (<c>/v1/listen</c>). Each connection runs <see cref="Script"/>,
/// which sends messages in Deepgram's documented format (Results, Metadata, SpeechStarted, UtteranceEnd, Error) and
/// waits for what the client sends. CloseStream is answered as Deepgram documents it: a Metadata message, then a
/// normal close.
/// </summary>
public sealed class DeepgramLoopback : IAsyncDisposable
{
    public const string ApiKey = "dg-test-key";

    private readonly Channel<DeepgramConnection> _connections = Channel.CreateUnbounded<DeepgramConnection>();
    private WebApplication _app = default!;

    public Uri BaseUrl { get; private set; } = default!;
    public Func<DeepgramConnection, Task> Script { get; set; } = _ => Task.CompletedTask;

    /// <summary>When set, the upgrade is refused with this status, Deepgram's <c>dg-error</c> header and JSON body.</summary>
    public (int Status, string Message)? Reject { get; set; }

    public TimeSpan HandshakeDelay { get; set; }

    /// <summary>When set, each upgrade waits for this task before it is answered: a vendor that is slow to connect, for as long as a test likes.</summary>
    public Task? HandshakeHold { get; set; }

    public static async Task<DeepgramLoopback> StartAsync()
    {
        var server = new DeepgramLoopback();
        (server._app, var address) = await Loopback.StartAsync(app =>
        {
            app.UseWebSockets();
            app.Map("/v1/listen", server.HandleAsync);
        });
        server.BaseUrl = new Uri($"ws://{address.Authority}");
        return server;
    }

    public async Task<DeepgramConnection> NextConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _connections.Reader.ReadAsync(timeout.Token);
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (HandshakeDelay > TimeSpan.Zero) await Task.Delay(HandshakeDelay, CancellationToken.None);
        if (HandshakeHold is { } hold) await hold;
        if (Reject is var (status, message))
        {
            http.Response.StatusCode = status;
            http.Response.Headers["dg-error"] = message;
            http.Response.Headers["dg-request-id"] = Guid.NewGuid().ToString();
            await http.Response.WriteAsJsonAsync(new { err_code = "INVALID_AUTH", err_msg = message, request_id = Guid.NewGuid() });
            return;
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new DeepgramConnection(http, socket);
        _connections.Writer.TryWrite(connection);
        connection.Script = Task.Run(() => Script(connection));
        await connection.ReadAsync();
        await connection.Script.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A message the loopback received from the client.</summary>
public sealed record Frame(WebSocketMessageType Kind, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);

    public string? JsonType
    {
        get
        {
            if (Kind != WebSocketMessageType.Text) return null;
            try
            {
                using var doc = JsonDocument.Parse(Data);
                return doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}

/// <summary>One client connection to the loopback, as a script drives it.</summary>
public sealed class DeepgramConnection(HttpContext http, WebSocket socket)
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Frame> _frames = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _requestId = Guid.NewGuid().ToString();

    public Task Script { get; set; } = Task.CompletedTask;
    public IReadOnlyDictionary<string, string> Query { get; } = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
    public string? Authorization { get; } = http.Request.Headers.Authorization.ToString();
    public Task Ended => _ended.Task;

    public IReadOnlyList<Frame> Frames
    {
        get
        {
            lock (_gate) return [.. _frames];
        }
    }

    public byte[] Audio => Frames.Where(f => f.Kind == WebSocketMessageType.Binary).SelectMany(f => f.Data).ToArray();

    internal async Task ReadAsync()
    {
        var reader = new WebSocketMessageReader(socket, 64 * 1024);
        try
        {
            while (true)
            {
                var type = await reader.ReadAsync(CancellationToken.None);
                if (type == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived) await SendCloseAsync(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }
                var frame = new Frame(type, reader.Message.ToArray());
                lock (_gate) _frames.Add(frame);
                if (frame.JsonType == "CloseStream")
                {
                    await SendAsync(new
                    {
                        type = "Metadata",
                        transaction_key = "deprecated",
                        request_id = _requestId,
                        sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        created = DateTime.UtcNow.ToString("O"),
                        duration = Audio.Length / 32000.0,
                        channels = 1,
                    });
                    await SendCloseAsync(WebSocketCloseStatus.NormalClosure, "");
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    public async Task<Frame> WaitForAsync(Func<Frame, bool> match, TimeSpan? timeout = null)
    {
        Frame? found = null;
        await WaitUntilAsync(() => (found = Frames.FirstOrDefault(match)) is not null, "the expected message", timeout);
        return found!;
    }

    public Task<Frame> WaitForMessageAsync(string type, TimeSpan? timeout = null) => WaitForAsync(f => f.JsonType == type, timeout);

    public Task WaitForMessagesAsync(string type, int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Frames.Count(f => f.JsonType == type) >= count, $"{count} {type} messages", timeout);

    public Task WaitForAudioAsync(int bytes) => WaitUntilAsync(() => Audio.Length >= bytes, $"{bytes} bytes of audio");

    private async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (Ended.IsCompleted) throw new InvalidOperationException($"the client went away before sending {what}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the client did not send {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>A <c>Results</c> message as Deepgram's live API sends it.</summary>
    public Task SendResultsAsync(string transcript, bool isFinal, bool speechFinal = false, bool fromFinalize = false, double confidence = 0.95, double start = 0)
    {
        var words = transcript.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select((w, i) => new { word = w.ToLowerInvariant(), start = start + i * 0.3, end = start + i * 0.3 + 0.25, confidence, punctuated_word = w })
            .ToArray();
        return SendAsync(new
        {
            type = "Results",
            channel_index = new[] { 0, 1 },
            duration = Math.Max(0.5, words.Length * 0.3),
            start,
            is_final = isFinal,
            speech_final = speechFinal,
            from_finalize = fromFinalize,
            channel = new { alternatives = new[] { new { transcript, confidence, words } } },
            metadata = new
            {
                request_id = _requestId,
                model_info = new { name = "general-nova-3", version = "2024-12-20.0", arch = "nova-3" },
                model_uuid = "40bd3654-e622-47c4-a111-63a61b23bfe8",
            },
        });
    }

    public Task SendSpeechStartedAsync(double timestamp) => SendAsync(new { type = "SpeechStarted", channel = new[] { 0, 1 }, timestamp });

    public Task SendUtteranceEndAsync(double lastWordEnd) => SendAsync(new { type = "UtteranceEnd", channel = new[] { 0, 1 }, last_word_end = lastWordEnd });

    public async Task SendAsync(object message)
    {
        await _send.WaitAsync();
        try
        {
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    public async Task SendCloseAsync(WebSocketCloseStatus status, string reason)
    {
        await _send.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived) await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close handshake.</summary>
    public void Drop() => http.Abort();
}
