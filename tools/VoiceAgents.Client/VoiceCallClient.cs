using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace VoiceAgents.Client;

/// <summary>
/// One call over voice-host's <c>/ws</c> (docs/voice-protocol.md): connect, <c>auth</c> and wait for <c>ready</c>,
/// send PCM16 audio paced in real time or as fast as asked, receive events and reply audio on a loop of its own, and
/// end with <c>end</c> and a close. Set the handlers before <see cref="ConnectAsync"/>; they run on the receive loop,
/// one message at a time, and must not block it.
/// </summary>
/// <example>
/// <code>
/// await using var call = new VoiceCallClient { OnEvent = (type, e, at) => Console.WriteLine(e.GetRawText()) };
/// await call.ConnectAsync(new Uri("ws://127.0.0.1:7860/ws"), ct);
/// var ready = await call.AuthenticateAsync(token, agentId, 16000, ct: ct);
/// await call.StreamAsync(samples, new AudioPacer(16000), ct);
/// await call.EndAsync(ct: ct);
/// </code>
/// </example>
public sealed class VoiceCallClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<VoiceCallReady> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private byte[] _pcm = [];

    /// <summary>
    /// Called with each JSON event: its <c>type</c> (empty when it has none), the event, and the
    /// <see cref="Stopwatch.GetTimestamp"/> at which it arrived. The element is valid only during the call.
    /// </summary>
    public Action<string, JsonElement, long>? OnEvent { get; init; }

    /// <summary>
    /// Called with each binary message of reply audio (PCM16 little-endian mono at <see cref="VoiceCallReady.OutputSampleRate"/>)
    /// and the <see cref="Stopwatch.GetTimestamp"/> at which it arrived. The memory is valid only during the call.
    /// </summary>
    public Action<ReadOnlyMemory<byte>, long>? OnAudio { get; init; }

    /// <summary>Called with a text message that is not JSON (voice-host sends none); it is otherwise ignored.</summary>
    public Action<string>? OnUnreadable { get; init; }

    /// <summary>The socket's options (headers, keep-alive), to set before <see cref="ConnectAsync"/>.</summary>
    public ClientWebSocketOptions Options => _socket.Options;

    /// <summary>The socket's state.</summary>
    public WebSocketState State => _socket.State;

    /// <summary>The close code voice-host sent, once it has closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The close reason voice-host sent, once it has closed.</summary>
    public string? CloseReason => _socket.CloseStatusDescription;

    /// <summary>The <c>reason</c> of voice-host's <c>end</c> event, once it has sent one.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Why the receive loop stopped without a close (a reset connection, say), if it did.</summary>
    public string? Lost { get; private set; }

    /// <summary>Completes when the receive loop has stopped: voice-host closed, the connection was lost, or the client was disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Opens the WebSocket and starts the receive loop.</summary>
    public async Task ConnectAsync(Uri uri, CancellationToken ct)
    {
        await _socket.ConnectAsync(uri, ct);
        _receiving = Task.Run(() => ReceiveAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Sends the <c>auth</c> message and waits for <c>ready</c>.</summary>
    /// <exception cref="VoiceCallClosedException">voice-host closed the call (4401, 4403, 1013...) or the connection was lost first.</exception>
    public async Task<VoiceCallReady> AuthenticateAsync(string token, string agentId, int sampleRate = 16000, string? phoneNumber = null,
        string? campaignId = null, CancellationToken ct = default)
    {
        await SendAuthAsync(token, agentId, sampleRate, phoneNumber, campaignId, ct);
        return await WaitReadyAsync(ct);
    }

    /// <summary>Sends the <c>auth</c> message: the API's access token, the agent, the rate of the audio to come, and optionally the caller's number and a campaign.</summary>
    public Task SendAuthAsync(string token, string agentId, int sampleRate = 16000, string? phoneNumber = null, string? campaignId = null,
        CancellationToken ct = default)
    {
        var json = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteString("type", "auth");
            w.WriteString("token", token);
            w.WriteString("agent_id", agentId);
            w.WriteNumber("sample_rate", sampleRate);
            if (phoneNumber is not null) w.WriteString("phone_number", phoneNumber);
            if (campaignId is not null) w.WriteString("campaign_id", campaignId);
            w.WriteEndObject();
        }
        return SendTextAsync(json.WrittenMemory, ct);
    }

    /// <summary>Waits for voice-host's <c>ready</c> event.</summary>
    /// <exception cref="VoiceCallClosedException">The receive loop stopped first.</exception>
    public async Task<VoiceCallReady> WaitReadyAsync(CancellationToken ct)
    {
        await Task.WhenAny(_ready.Task, _closed.Task).WaitAsync(ct);
        if (_ready.Task.IsCompleted) return await _ready.Task;
        throw new VoiceCallClosedException(CloseStatus, CloseReason, Lost);
    }

    /// <summary>Sends one binary message of PCM16 little-endian audio as it is, unpaced.</summary>
    public Task SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken ct = default) => SendAsync(pcm, WebSocketMessageType.Binary, ct);

    /// <summary>Sends <paramref name="samples"/> as one binary message, unpaced.</summary>
    public async Task SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct = default)
    {
        await _send.WaitAsync(ct);
        try
        {
            // One buffer per call, reused under the send lock: a 20 ms frame 50 times a second allocates nothing.
            var length = samples.Length * 2;
            if (_pcm.Length < length) _pcm = new byte[length];
            MemoryMarshal.AsBytes(samples.Span).CopyTo(_pcm);
            await _socket.SendAsync(_pcm.AsMemory(0, length), WebSocketMessageType.Binary, true, ct);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Streams <paramref name="samples"/> in 20 ms frames on <paramref name="pacer"/>'s clock, until done or the socket is no longer open.</summary>
    /// <param name="samples">PCM16 mono at the rate given in <c>auth</c>.</param>
    /// <param name="pacer">The call's real-time clock; pass the same one to successive calls to keep one continuous stream.</param>
    /// <param name="ct">Stops the stream.</param>
    public async Task StreamAsync(ReadOnlyMemory<short> samples, AudioPacer pacer, CancellationToken ct = default)
    {
        var frame = pacer.FrameSamples;
        for (var i = 0; i < samples.Length && _socket.State == WebSocketState.Open; i += frame)
        {
            var n = Math.Min(frame, samples.Length - i);
            await SendAudioAsync(samples.Slice(i, n), ct);
            await pacer.SentAsync(n, ct);
        }
    }

    /// <summary>Sends a text message as it is (a JSON message of the protocol, or anything else a test wants voice-host to see).</summary>
    public Task SendTextAsync(string text, CancellationToken ct = default) => SendTextAsync(Encoding.UTF8.GetBytes(text), ct);

    /// <summary>Sends UTF-8 bytes as one text message.</summary>
    public Task SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken ct = default) => SendAsync(utf8, WebSocketMessageType.Text, ct);

    /// <summary>
    /// Hangs up as the protocol asks: sends <c>end</c> while the socket is open, waits for voice-host's <c>end</c> and
    /// close, and closes this side with <paramref name="reason"/> (within 2 s, even when the wait failed).
    /// </summary>
    public async Task EndAsync(string reason = "caller hung up", CancellationToken ct = default)
    {
        try
        {
            if (_socket.State == WebSocketState.Open) await SendTextAsync("""{"type":"end"}"""u8.ToArray(), ct);
            await _closed.Task.WaitAsync(ct);
        }
        finally
        {
            await SocketClosing.CloseQuietlyAsync(_socket, reason, outputOnly: true);
        }
    }

    /// <summary>Closes the socket with a close handshake (the code and reason voice-host sees), without an <c>end</c> first.</summary>
    public Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken ct = default) => _socket.CloseAsync(status, reason, ct);

    /// <summary>Drops the connection at once, with no close handshake.</summary>
    public void Abort() => _socket.Abort();

    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken ct)
    {
        // A WebSocket takes one send at a time; the lock lets audio, events and the hang-up share it.
        await _send.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(data, type, true, ct);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var reader = new WebSocketMessageReader(_socket);
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var type = await reader.ReadAsync(ct);
                if (type == WebSocketMessageType.Close) break;
                var at = Stopwatch.GetTimestamp();
                if (type == WebSocketMessageType.Binary) OnAudio?.Invoke(reader.Message, at);
                else OnText(reader.Message, at);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            if (!ct.IsCancellationRequested) Lost = e.Message;
        }
        catch (Exception e)
        {
            // A handler threw: the loop cannot go on without losing messages, so it ends as a lost connection would.
            Lost = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private void OnText(ReadOnlyMemory<byte> utf8, long at)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            OnUnreadable?.Invoke(Encoding.UTF8.GetString(utf8.Span));
            return;
        }
        using (document)
        {
            var e = document.RootElement;
            var type = Text(e, "type") ?? "";
            switch (type)
            {
                case "ready":
                    var rate = e.TryGetProperty("output_sample_rate", out var r) && r.TryGetInt32(out var n) ? n : 16000;
                    _ready.TrySetResult(new VoiceCallReady(Text(e, "call_id") ?? "", rate));
                    break;
                case "end":
                    EndReason = Text(e, "reason");
                    break;
            }
            OnEvent?.Invoke(type, e, at);
        }
    }

    /// <summary>A string property of an event, or null when it is missing or not a string.</summary>
    public static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private int _disposed;

    /// <summary>Closes the socket if it is still open (code 1000, within 2 s), stops the receive loop and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        // Safe to call twice (a test hangs up by hand inside an `await using`).
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await SocketClosing.CloseQuietlyAsync(_socket, "bye", outputOnly: false);
        await _stop.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }
}
