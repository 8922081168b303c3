using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>A caller over /ws, as a test sees it: sends audio in real time, collects events and reply audio with timestamps.</summary>
public sealed class VoiceClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _cts = new();
    private Task _receiving = Task.CompletedTask;

    public List<(DateTime At, JsonNode Event)> Events { get; } = [];
    public List<(DateTime At, short[] Samples)> Audio { get; } = [];
    public Channel<JsonNode> EventStream { get; } = Channel.CreateUnbounded<JsonNode>();
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseReason => _socket.CloseStatusDescription;
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public WebSocketState State => _socket.State;

    public static async Task<VoiceClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new VoiceClient();
        configure?.Invoke(client._socket.Options);
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        client._receiving = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    public Task SendJsonAsync(object message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message, VoiceAgents.Core.Json.JsonDefaults.Options)), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) => _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task<JsonNode> AuthenticateAsync(string token, string agentId, int sampleRate = 16000)
    {
        await SendJsonAsync(new { type = "auth", token, agent_id = agentId, sample_rate = sampleRate });
        return await WaitForAsync("ready", TimeSpan.FromSeconds(10));
    }

    /// <summary>Streams samples in real time in 20 ms frames.</summary>
    public async Task StreamAsync(short[] samples, int sampleRate, CancellationToken ct = default)
    {
        var frame = sampleRate / 50;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sent = 0;
        for (var i = 0; i < samples.Length && _socket.State == WebSocketState.Open; i += frame)
        {
            var n = Math.Min(frame, samples.Length - i);
            await _socket.SendAsync(MemoryMarshal.AsBytes(samples.AsSpan(i, n)).ToArray(), WebSocketMessageType.Binary, true, ct);
            sent += n;
            var due = TimeSpan.FromSeconds((double)sent / sampleRate) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
        }
    }

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

    public static string? Type(JsonNode e) => e["type"]?.GetValue<string>();

    public short[] ReplyAudio()
    {
        lock (Audio) return Audio.SelectMany(a => a.Samples).ToArray();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    var r = await _socket.ReceiveAsync(buffer.AsMemory(length), _cts.Token);
                    result = new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage);
                    length += result.Count;
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                var at = DateTime.UtcNow;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    var samples = MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, length)).ToArray();
                    lock (Audio) Audio.Add((at, samples));
                }
                else
                {
                    var node = JsonNode.Parse(buffer.AsSpan(0, length))!;
                    lock (Events) Events.Add((at, node));
                    EventStream.Writer.TryWrite(node);
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

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", t.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        await _cts.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }
}
