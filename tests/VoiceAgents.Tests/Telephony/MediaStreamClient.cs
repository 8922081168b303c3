using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// Twilio's side of a bidirectional Media Stream, as documented: it sends <c>connected</c>, <c>start</c> (streamSid,
/// callSid, customParameters, mediaFormat audio/x-mulaw 8000 Hz mono), <c>media</c> every 20 ms with base64 μ-law,
/// and <c>stop</c>. It plays what the server sends: <c>media</c> goes into a playout buffer played in real time, a
/// <c>mark</c> is echoed once the audio before it has played, and <c>clear</c> empties the buffer and echoes the
/// marks still pending, as Twilio does.
/// </summary>
public sealed class MediaStreamClient : IAsyncDisposable
{
    public const int Rate = 8000;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _cts = new();
    private readonly List<(string Name, DateTime Due)> _pendingMarks = [];
    private DateTime _bufferEnd = DateTime.MinValue;
    private Task _receiving = Task.CompletedTask;
    private Task _marking = Task.CompletedTask;
    private int _sequence;

    public string StreamSid { get; } = "MZ" + Guid.NewGuid().ToString("N");
    public string CallSid { get; } = "CA" + Guid.NewGuid().ToString("N");
    public List<(DateTime At, JsonNode Message)> Received { get; } = [];
    public List<(DateTime At, short[] Samples)> Audio { get; } = [];
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<MediaStreamClient> ConnectAsync(Uri uri)
    {
        var client = new MediaStreamClient();
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        client._receiving = Task.Run(client.ReceiveLoopAsync);
        client._marking = Task.Run(client.MarkLoopAsync);
        return client;
    }

    public async Task StartAsync(IReadOnlyDictionary<string, string> customParameters, JsonNode? mediaFormat = null)
    {
        await SendAsync(new JsonObject { ["event"] = "connected", ["protocol"] = "Call", ["version"] = "1.0.0" });
        var parameters = new JsonObject();
        foreach (var (k, v) in customParameters) parameters[k] = v;
        await SendAsync(new JsonObject
        {
            ["event"] = "start",
            ["sequenceNumber"] = Next(),
            ["start"] = new JsonObject
            {
                ["accountSid"] = TwilioLoopback.AccountSid,
                ["streamSid"] = StreamSid,
                ["callSid"] = CallSid,
                ["tracks"] = new JsonArray("inbound"),
                ["mediaFormat"] = mediaFormat ?? new JsonObject { ["encoding"] = "audio/x-mulaw", ["sampleRate"] = Rate, ["channels"] = 1 },
                ["customParameters"] = parameters,
            },
            ["streamSid"] = StreamSid,
        });
    }

    /// <summary>Streams PCM16 at 8 kHz as μ-law media messages, 20 ms each, in real time.</summary>
    public async Task StreamAsync(short[] samples)
    {
        var start = DateTime.UtcNow;
        var mulaw = new byte[160];
        var chunk = 0;
        for (var i = 0; i < samples.Length; i += 160, chunk++)
        {
            var n = Math.Min(160, samples.Length - i);
            MuLaw.Encode(samples.AsSpan(i, n), mulaw);
            await SendAsync(new JsonObject
            {
                ["event"] = "media",
                ["sequenceNumber"] = Next(),
                ["media"] = new JsonObject
                {
                    ["track"] = "inbound",
                    ["chunk"] = (chunk + 1).ToString(),
                    ["timestamp"] = ((int)(DateTime.UtcNow - start).TotalMilliseconds).ToString(),
                    ["payload"] = Convert.ToBase64String(mulaw, 0, n),
                },
                ["streamSid"] = StreamSid,
            });
            var due = start + TimeSpan.FromMilliseconds(20 * (chunk + 1));
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
        }
    }

    public Task StreamSilenceAsync(TimeSpan duration) => StreamAsync(new short[(int)(duration.TotalSeconds * Rate)]);

    /// <summary>Sends <paramref name="messages"/> 20 ms media messages as fast as the socket takes them (no real-time pacing), until it closes.</summary>
    public async Task FloodAsync(int messages)
    {
        var payload = Convert.ToBase64String(new byte[160]);
        for (var i = 0; i < messages && _socket.State == WebSocketState.Open; i++)
        {
            try
            {
                await SendAsync(new JsonObject
                {
                    ["event"] = "media",
                    ["sequenceNumber"] = Next(),
                    ["media"] = new JsonObject { ["track"] = "inbound", ["chunk"] = (i + 1).ToString(), ["timestamp"] = (i * 20).ToString(), ["payload"] = payload },
                    ["streamSid"] = StreamSid,
                });
            }
            catch (WebSocketException)
            {
                return;
            }
        }
    }

    /// <summary>Sends any text as one message.</summary>
    public Task SendTextAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public string? CloseReason => _socket.CloseStatusDescription;

    public Task StopAsync() => SendAsync(new JsonObject
    {
        ["event"] = "stop",
        ["sequenceNumber"] = Next(),
        ["stop"] = new JsonObject { ["accountSid"] = TwilioLoopback.AccountSid, ["callSid"] = CallSid },
        ["streamSid"] = StreamSid,
    });

    public IReadOnlyList<JsonNode> Messages(string name)
    {
        lock (Received) return Received.Where(m => m.Message["event"]?.GetValue<string>() == name).Select(m => m.Message).ToList();
    }

    public short[] ReplyAudio()
    {
        lock (Audio) return Audio.SelectMany(a => a.Samples).ToArray();
    }

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    private int Next() => Interlocked.Increment(ref _sequence);

    private async Task SendAsync(JsonObject message)
    {
        await _send.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _cts.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close) break;
                var message = JsonNode.Parse(buffer.AsSpan(0, length))!;
                var now = DateTime.UtcNow;
                lock (Received) Received.Add((now, message));
                switch (message["event"]?.GetValue<string>())
                {
                    case "media":
                        var mulaw = Convert.FromBase64String(message["media"]!["payload"]!.GetValue<string>());
                        var pcm = new short[mulaw.Length];
                        MuLaw.Decode(mulaw, pcm);
                        lock (Audio) Audio.Add((now, pcm));
                        lock (_pendingMarks) _bufferEnd = (_bufferEnd > now ? _bufferEnd : now) + TimeSpan.FromSeconds(pcm.Length / (double)Rate);
                        break;
                    case "mark":
                        lock (_pendingMarks) _pendingMarks.Add((message["mark"]!["name"]!.GetValue<string>(), _bufferEnd));
                        break;
                    case "clear":
                        List<string> flushed;
                        lock (_pendingMarks)
                        {
                            flushed = _pendingMarks.Select(m => m.Name).ToList();
                            _pendingMarks.Clear();
                            _bufferEnd = now;
                        }
                        foreach (var name in flushed) await EchoMarkAsync(name);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            Closed.TrySetResult();
        }
    }

    private async Task MarkLoopAsync()
    {
        while (!_cts.IsCancellationRequested && !Closed.Task.IsCompleted)
        {
            List<string> due;
            lock (_pendingMarks)
            {
                var now = DateTime.UtcNow;
                due = _pendingMarks.Where(m => m.Due <= now).Select(m => m.Name).ToList();
                _pendingMarks.RemoveAll(m => m.Due <= now);
            }
            foreach (var name in due) await EchoMarkAsync(name);
            try
            {
                await Task.Delay(10, _cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private Task EchoMarkAsync(string name) => SendAsync(new JsonObject
    {
        ["event"] = "mark",
        ["sequenceNumber"] = Next(),
        ["streamSid"] = StreamSid,
        ["mark"] = new JsonObject { ["name"] = name },
    });

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        await _cts.CancelAsync();
        await Task.WhenAll(_receiving, _marking).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _cts.Dispose();
    }
}
