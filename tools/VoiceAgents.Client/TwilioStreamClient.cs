using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VoiceAgents.Client;

/// <summary>
/// Twilio's side of a bidirectional Media Stream on voice-host's <c>/twilio</c>, as Twilio documents it: it sends
/// <c>connected</c>, <c>start</c> (streamSid, callSid, customParameters, mediaFormat audio/x-mulaw 8000 Hz mono),
/// <c>media</c> with base64 μ-law 20 ms at a time, <c>dtmf</c> and <c>stop</c>. It plays what voice-host sends as
/// Twilio does: <c>media</c> goes into a playout buffer that plays in real time, a <c>mark</c> is echoed once the
/// audio before it has played, and <c>clear</c> empties the buffer and echoes the marks still pending. Audio is
/// μ-law bytes both ways, as on the wire; set the handlers before <see cref="ConnectAsync"/>.
/// </summary>
public sealed class TwilioStreamClient : IAsyncDisposable
{
    /// <summary>The stream's sample rate: μ-law at 8 kHz.</summary>
    public const int SampleRate = 8000;

    /// <summary>Bytes of μ-law in 20 ms, one <c>media</c> message.</summary>
    public const int ChunkBytes = SampleRate / 50;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Name, long Due)> _pendingMarks = [];
    private long _playedOutAt;
    private Task _receiving = Task.CompletedTask;
    private Task _marking = Task.CompletedTask;
    private int _sequence;
    private int _chunks;

    /// <summary>The account the stream belongs to, sent in <c>start</c> and <c>stop</c>.</summary>
    public string AccountSid { get; init; } = "AC" + Guid.NewGuid().ToString("N");

    /// <summary>The stream's id, on every message.</summary>
    public string StreamSid { get; init; } = "MZ" + Guid.NewGuid().ToString("N");

    /// <summary>The phone call's id, sent in <c>start</c> and <c>stop</c>.</summary>
    public string CallSid { get; init; } = "CA" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Called with each message voice-host sends: its <c>event</c> (empty when it has none), the message, and the
    /// <see cref="Stopwatch.GetTimestamp"/> at which it arrived. The element is valid only during the call.
    /// </summary>
    public Action<string, JsonElement, long>? OnMessage { get; init; }

    /// <summary>Called after <see cref="OnMessage"/> with the μ-law of each <c>media</c> message voice-host sends; the memory is valid only during the call.</summary>
    public Action<ReadOnlyMemory<byte>, long>? OnMedia { get; init; }

    /// <summary>The socket's state.</summary>
    public WebSocketState State => _socket.State;

    /// <summary>The close code voice-host sent, once it has closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The close reason voice-host sent, once it has closed.</summary>
    public string? CloseReason => _socket.CloseStatusDescription;

    /// <summary>Completes when the receive loop has stopped: voice-host closed, the connection was lost, or the client was disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Opens the WebSocket and starts receiving and echoing marks.</summary>
    public async Task ConnectAsync(Uri uri, CancellationToken ct)
    {
        await _socket.ConnectAsync(uri, ct);
        _receiving = Task.Run(() => ReceiveAsync(_stop.Token), CancellationToken.None);
        _marking = Task.Run(() => EchoPlayedMarksAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Sends <c>connected</c> and <c>start</c>, with the custom parameters TwiML's <c>&lt;Stream&gt;</c> carried.</summary>
    /// <param name="customParameters">The <c>&lt;Parameter&gt;</c>s of the TwiML.</param>
    /// <param name="mediaFormat">The <c>mediaFormat</c> to announce; Twilio's (audio/x-mulaw, 8000, 1) when null.</param>
    /// <param name="ct">Stops the sends.</param>
    public async Task StartAsync(IReadOnlyDictionary<string, string> customParameters, JsonNode? mediaFormat = null, CancellationToken ct = default)
    {
        await SendAsync(new JsonObject { ["event"] = "connected", ["protocol"] = "Call", ["version"] = "1.0.0" }, ct);
        var parameters = new JsonObject();
        foreach (var (k, v) in customParameters) parameters[k] = v;
        await SendAsync(new JsonObject
        {
            ["event"] = "start",
            ["sequenceNumber"] = Next(),
            ["start"] = new JsonObject
            {
                ["accountSid"] = AccountSid,
                ["streamSid"] = StreamSid,
                ["callSid"] = CallSid,
                ["tracks"] = new JsonArray("inbound"),
                ["mediaFormat"] = mediaFormat ?? new JsonObject { ["encoding"] = "audio/x-mulaw", ["sampleRate"] = SampleRate, ["channels"] = 1 },
                ["customParameters"] = parameters,
            },
            ["streamSid"] = StreamSid,
        }, ct);
    }

    /// <summary>Sends one <c>media</c> message of the caller's μ-law, unpaced; its chunk number and timestamp follow the audio sent before it.</summary>
    public Task SendMediaAsync(ReadOnlyMemory<byte> mulaw, CancellationToken ct = default)
    {
        var chunk = Interlocked.Increment(ref _chunks);
        return SendAsync(new JsonObject
        {
            ["event"] = "media",
            ["sequenceNumber"] = Next(),
            ["media"] = new JsonObject
            {
                ["track"] = "inbound",
                ["chunk"] = chunk.ToString(CultureInfo.InvariantCulture),
                ["timestamp"] = ((chunk - 1) * 20).ToString(CultureInfo.InvariantCulture),
                ["payload"] = Convert.ToBase64String(mulaw.Span),
            },
            ["streamSid"] = StreamSid,
        }, ct);
    }

    /// <summary>Streams the caller's μ-law in 20 ms <c>media</c> messages on <paramref name="pacer"/>'s clock (a new one when null).</summary>
    public async Task StreamAsync(ReadOnlyMemory<byte> mulaw, AudioPacer? pacer = null, CancellationToken ct = default)
    {
        pacer ??= new AudioPacer(SampleRate);
        for (var i = 0; i < mulaw.Length; i += ChunkBytes)
        {
            var n = Math.Min(ChunkBytes, mulaw.Length - i);
            await SendMediaAsync(mulaw.Slice(i, n), ct);
            await pacer.SentAsync(n, ct);
        }
    }

    /// <summary>Sends a <c>dtmf</c> message: the caller pressed <paramref name="digit"/>.</summary>
    public Task SendDtmfAsync(char digit, CancellationToken ct = default) => SendAsync(new JsonObject
    {
        ["event"] = "dtmf",
        ["sequenceNumber"] = Next(),
        ["streamSid"] = StreamSid,
        ["dtmf"] = new JsonObject { ["track"] = "inbound_track", ["digit"] = digit.ToString() },
    }, ct);

    /// <summary>Sends <c>stop</c>: the caller hung up.</summary>
    public Task StopAsync(CancellationToken ct = default) => SendAsync(new JsonObject
    {
        ["event"] = "stop",
        ["sequenceNumber"] = Next(),
        ["stop"] = new JsonObject { ["accountSid"] = AccountSid, ["callSid"] = CallSid },
        ["streamSid"] = StreamSid,
    }, ct);

    /// <summary>Sends any text as one message, as it is.</summary>
    public Task SendTextAsync(string text, CancellationToken ct = default) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    private int Next() => Interlocked.Increment(ref _sequence);

    /// <summary>Sends a message of the protocol while the socket is open; after a close there is no one to tell.</summary>
    private async Task SendAsync(JsonObject message, CancellationToken ct)
    {
        // Media, marks echoed from the receive loop and marks echoed on the playout clock share one socket.
        await _send.WaitAsync(ct);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);
            }
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
            while (await reader.ReadAsync(ct) != WebSocketMessageType.Close)
            {
                var at = Stopwatch.GetTimestamp();
                List<string>? flushed = null;
                using (var document = JsonDocument.Parse(reader.Message))
                {
                    var message = document.RootElement;
                    var name = VoiceCallClient.Text(message, "event") ?? "";
                    OnMessage?.Invoke(name, message, at);
                    switch (name)
                    {
                        case "media":
                            var mulaw = Convert.FromBase64String(message.GetProperty("media").GetProperty("payload").GetString()!);
                            OnMedia?.Invoke(mulaw, at);
                            lock (_pendingMarks)
                            {
                                _playedOutAt = Math.Max(_playedOutAt, at) + (long)(mulaw.Length / (double)SampleRate * Stopwatch.Frequency);
                            }
                            break;
                        case "mark":
                            lock (_pendingMarks) _pendingMarks.Add((message.GetProperty("mark").GetProperty("name").GetString()!, _playedOutAt));
                            break;
                        case "clear":
                            lock (_pendingMarks)
                            {
                                flushed = _pendingMarks.Select(m => m.Name).ToList();
                                _pendingMarks.Clear();
                                _playedOutAt = at;
                            }
                            break;
                    }
                }
                foreach (var mark in flushed ?? []) await EchoMarkAsync(mark, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>Echoes each mark once the audio before it has played out, checking every 10 ms.</summary>
    private async Task EchoPlayedMarksAsync(CancellationToken ct)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (!_closed.Task.IsCompleted && await tick.WaitForNextTickAsync(ct))
            {
                List<string> due;
                lock (_pendingMarks)
                {
                    var now = Stopwatch.GetTimestamp();
                    due = _pendingMarks.Where(m => m.Due <= now).Select(m => m.Name).ToList();
                    _pendingMarks.RemoveAll(m => m.Due <= now);
                }
                foreach (var mark in due) await EchoMarkAsync(mark, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task EchoMarkAsync(string name, CancellationToken ct) => SendAsync(new JsonObject
    {
        ["event"] = "mark",
        ["sequenceNumber"] = Next(),
        ["streamSid"] = StreamSid,
        ["mark"] = new JsonObject { ["name"] = name },
    }, ct);

    private int _disposed;

    /// <summary>Closes the socket if it is still open (code 1000, within 2 s), stops the loops and releases the socket. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await SocketClosing.CloseQuietlyAsync(_socket, "done", outputOnly: false);
        await _stop.CancelAsync();
        await Task.WhenAll(_receiving, _marking).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }
}
