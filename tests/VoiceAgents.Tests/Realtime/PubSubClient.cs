using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using VoiceAgents.Client;
using VoiceAgents.Functions.Realtime;

namespace VoiceAgents.Tests.Realtime;

/// <summary>A Web PubSub client as the dashboard's browser is one: a WebSocket with the json.webpubsub.azure.v1 subprotocol.</summary>
public sealed class PubSubClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _messages = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];
    private Task _receiving = Task.CompletedTask;

    public string? Subprotocol => _socket.SubProtocol;

    /// <summary>Completes when the service has closed the connection (or it broke).</summary>
    public Task Closed => _receiving;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<JsonObject> Seen
    {
        get
        {
            lock (_seen) return [.. _seen];
        }
    }

    public static async Task<PubSubClient> ConnectAsync(Uri url, string? origin = null)
    {
        var client = new PubSubClient();
        client._socket.Options.AddSubProtocol(WebPubSubClient.JsonSubprotocol);
        if (origin is not null) client._socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client._socket.ConnectAsync(url, timeout.Token);
        client._receiving = Task.Run(client.ReceiveAsync);
        return client;
    }

    public Task SendAsync(object message) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The first message (seen before or arriving within the timeout) that matches.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, TimeSpan timeout, string what)
    {
        lock (_seen)
        {
            if (_seen.FirstOrDefault(match) is { } seen) return seen;
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var m = await _messages.Reader.ReadAsync(cts.Token);
                if (match(m)) return m;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {what} within {timeout.TotalSeconds} s; received: {string.Join(" | ", Seen.Select(s => s.ToJsonString()))}");
        }
    }

    /// <summary>A live update (a group message) of the given type whose data.call_id (or id) matches.</summary>
    public Task<JsonObject> WaitForEventAsync(string type, Func<JsonNode, bool> match, TimeSpan timeout) => WaitForAsync(
        m => m["type"]?.GetValue<string>() == "message" && m["data"] is JsonObject data && data["type"]?.GetValue<string>() == type && match(data),
        timeout, $"'{type}' event");

    public static bool IsEvent(JsonObject m, string eventId) =>
        m["type"]?.GetValue<string>() == "message" && m["data"]?["id"]?.GetValue<string>() == eventId;

    private async Task ReceiveAsync()
    {
        var reader = new WebSocketMessageReader(_socket, 64 * 1024);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                if (await reader.ReadAsync(CancellationToken.None) == WebSocketMessageType.Close) break;
                var parsed = JsonNode.Parse(reader.Message.Span)!.AsObject();
                lock (_seen) _seen.Add(parsed);
                await _messages.Writer.WriteAsync(parsed);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }
}
