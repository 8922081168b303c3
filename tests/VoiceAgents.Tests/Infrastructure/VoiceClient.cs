using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using VoiceAgents.Client;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// A caller over /ws, as a test sees it: <see cref="VoiceCallClient"/> underneath, with every event and every piece
/// of reply audio kept, timestamped, for assertions.
/// </summary>
public sealed class VoiceClient : IAsyncDisposable
{
    private readonly VoiceCallClient _call;

    private VoiceClient()
    {
        _call = new VoiceCallClient
        {
            OnEvent = (_, e, _) =>
            {
                var node = JsonNode.Parse(e.GetRawText())!;
                lock (Events) Events.Add((DateTime.UtcNow, node));
                EventStream.Writer.TryWrite(node);
            },
            OnAudio = (pcm, _) =>
            {
                var samples = MemoryMarshal.Cast<byte, short>(pcm.Span).ToArray();
                lock (Audio) Audio.Add((DateTime.UtcNow, samples));
            },
        };
        _call.Closed.ContinueWith(_ => Closed.TrySetResult(), TaskScheduler.Default);
    }

    public List<(DateTime At, JsonNode Event)> Events { get; } = [];
    public List<(DateTime At, short[] Samples)> Audio { get; } = [];
    public Channel<JsonNode> EventStream { get; } = Channel.CreateUnbounded<JsonNode>();
    public WebSocketCloseStatus? CloseStatus => _call.CloseStatus;
    public string? CloseReason => _call.CloseReason;
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public WebSocketState State => _call.State;

    public static async Task<VoiceClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new VoiceClient();
        configure?.Invoke(client._call.Options);
        await client._call.ConnectAsync(uri, CancellationToken.None);
        return client;
    }

    public Task SendJsonAsync(object message) => _call.SendTextAsync(JsonSerializer.SerializeToUtf8Bytes(message, VoiceAgents.Core.Json.JsonDefaults.Options));

    public Task SendTextAsync(string text) => _call.SendTextAsync(text);

    public Task SendBinaryAsync(byte[] data) => _call.SendAudioAsync(data);

    public async Task<JsonNode> AuthenticateAsync(string token, string agentId, int sampleRate = 16000)
    {
        await _call.SendAuthAsync(token, agentId, sampleRate);
        return await WaitForAsync("ready", TimeSpan.FromSeconds(10));
    }

    /// <summary>Streams samples in real time in 20 ms frames.</summary>
    public Task StreamAsync(short[] samples, int sampleRate, CancellationToken ct = default) => _call.StreamAsync(samples, new AudioPacer(sampleRate), ct);

    public Task StreamSilenceAsync(TimeSpan duration, int sampleRate, CancellationToken ct = default) =>
        StreamAsync(new short[(int)(duration.TotalSeconds * sampleRate)], sampleRate, ct);

    public async Task<JsonNode> WaitForAsync(string type, TimeSpan timeout, Func<JsonNode, bool>? where = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        lock (Events)
        {
            var seen = Events.FirstOrDefault(e => Type(e.Event) == type && (where?.Invoke(e.Event) ?? true));
            if (seen.Event is not null) return seen.Event;
        }
        try
        {
            while (true)
            {
                var e = await EventStream.Reader.ReadAsync(cts.Token);
                if (Type(e) == type && (where?.Invoke(e) ?? true)) return e;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no '{type}' event within {timeout}; saw: {string.Join(", ", Events.Select(e => e.Event.ToJsonString()))}");
        }
    }

    /// <summary>Waits for voice-host to close the call and checks its close code and a part of its reason.</summary>
    public async Task AssertClosedAsync(int code, string reasonPart)
    {
        await Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Not xunit's Assert: bench/Tts compiles this file too, without xunit.
        if ((int?)CloseStatus != code || !(CloseReason ?? "").Contains(reasonPart, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"expected close {code} with a reason containing '{reasonPart}', got {(int?)CloseStatus} '{CloseReason}'");
        }
    }

    public static string? Type(JsonNode e) => e["type"]?.GetValue<string>();

    public short[] ReplyAudio()
    {
        lock (Audio) return Audio.SelectMany(a => a.Samples).ToArray();
    }

    public ValueTask DisposeAsync() => _call.DisposeAsync();
}
