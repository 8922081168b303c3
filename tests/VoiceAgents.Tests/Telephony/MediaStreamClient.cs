using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VoiceAgents.Client;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// Twilio's side of a bidirectional Media Stream, as a test sees it: <see cref="TwilioStreamClient"/> underneath
/// (connected, start, media, mark echoes, clear, stop), speaking and hearing PCM16 at 8 kHz, with every message and
/// every piece of audio voice-host sent kept, timestamped, for assertions.
/// </summary>
public sealed class MediaStreamClient : IAsyncDisposable
{
    public const int Rate = TwilioStreamClient.SampleRate;
    private readonly TwilioStreamClient _stream;

    private MediaStreamClient(string accountSid)
    {
        _stream = new TwilioStreamClient
        {
            AccountSid = accountSid,
            OnMessage = (_, message, _) =>
            {
                var node = JsonNode.Parse(message.GetRawText())!;
                lock (Received) Received.Add((DateTime.UtcNow, node));
            },
            OnMedia = (mulaw, _) =>
            {
                var pcm = new short[mulaw.Length];
                MuLaw.Decode(mulaw.Span, pcm);
                lock (Audio) Audio.Add((DateTime.UtcNow, pcm));
            },
        };
        _stream.Closed.ContinueWith(_ => Closed.TrySetResult(), TaskScheduler.Default);
    }

    public string StreamSid => _stream.StreamSid;
    public string CallSid => _stream.CallSid;
    public List<(DateTime At, JsonNode Message)> Received { get; } = [];
    public List<(DateTime At, short[] Samples)> Audio { get; } = [];
    public WebSocketCloseStatus? CloseStatus => _stream.CloseStatus;
    public string? CloseReason => _stream.CloseReason;
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connects as a stream of a call on <paramref name="accountSid"/> (the platform's account by default).</summary>
    public static async Task<MediaStreamClient> ConnectAsync(Uri uri, string accountSid = TwilioLoopback.AccountSid)
    {
        var client = new MediaStreamClient(accountSid);
        await client._stream.ConnectAsync(uri, CancellationToken.None);
        return client;
    }

    public Task StartAsync(IReadOnlyDictionary<string, string> customParameters, JsonNode? mediaFormat = null) =>
        _stream.StartAsync(customParameters, mediaFormat);

    /// <summary>Streams PCM16 at 8 kHz as μ-law media messages, 20 ms each, in real time.</summary>
    public Task StreamAsync(short[] samples)
    {
        var mulaw = new byte[samples.Length];
        MuLaw.Encode(samples, mulaw);
        return _stream.StreamAsync(mulaw);
    }

    public Task StreamSilenceAsync(TimeSpan duration) => StreamAsync(new short[(int)(duration.TotalSeconds * Rate)]);

    /// <summary>Sends <paramref name="messages"/> 20 ms media messages as fast as the socket takes them (no real-time pacing), until it closes.</summary>
    public async Task FloodAsync(int messages)
    {
        var payload = new byte[TwilioStreamClient.ChunkBytes];
        for (var i = 0; i < messages && _stream.State == WebSocketState.Open; i++)
        {
            try
            {
                await _stream.SendMediaAsync(payload);
            }
            catch (WebSocketException)
            {
                return;
            }
        }
    }

    /// <summary>Sends Twilio's <c>dtmf</c> message: the callee pressed a key.</summary>
    public Task SendDtmfAsync(char digit) => _stream.SendDtmfAsync(digit);

    /// <summary>Sends any text as one message.</summary>
    public Task SendTextAsync(string text) => _stream.SendTextAsync(text);

    public Task StopAsync() => _stream.StopAsync();

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

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
