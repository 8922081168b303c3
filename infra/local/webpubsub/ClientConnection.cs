using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace VoiceAgents.WebPubSubLocal;

/// <summary>
/// One client connection. With the <c>json.webpubsub.azure.v1</c> subprotocol it gets the <c>connected</c> system
/// message, group and server messages wrapped as <c>{type: "message", from, group, dataType, data}</c>, and may send
/// <c>joinGroup</c>, <c>leaveGroup</c>, <c>sendToGroup</c> and <c>event</c> requests (acked when they carry an
/// <c>ackId</c>), within what its roles permit. A raw client gets the data alone.
/// </summary>
public sealed class ClientConnection
{
    private const int MaxMessageBytes = 1024 * 1024;
    private const int MaxQueued = 1000;

    private readonly WebSocket _socket;
    private readonly IReadOnlySet<string> _roles;
    private readonly Hub _hub;
    private readonly ILogger _log;
    private readonly Channel<(byte[] Bytes, WebSocketMessageType Type)> _outbox =
        Channel.CreateBounded<(byte[], WebSocketMessageType)>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource<string> _closeRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClientConnection(WebSocket socket, bool json, string? userId, IReadOnlyList<string> roles, Hub hub, ILogger log)
    {
        _socket = socket;
        Json = json;
        UserId = userId;
        _roles = roles.ToHashSet(StringComparer.Ordinal);
        _hub = hub;
        _log = log;
    }

    public string ConnectionId { get; } = Guid.NewGuid().ToString("N");
    public string? UserId { get; }
    public bool Json { get; }

    public async Task RunAsync(CancellationToken ct)
    {
        if (Json) Enqueue(new JsonObject { ["type"] = "system", ["event"] = "connected", ["userId"] = UserId, ["connectionId"] = ConnectionId });
        var writing = WriteLoopAsync(ct);
        var reading = ReadLoopAsync(ct);
        string? closeReason = null;
        var closedByServer = false;
        try
        {
            // Cancelling a pending receive would abort the socket, so a close asked for by the REST API races the read.
            if (await Task.WhenAny((Task)reading, _closeRequested.Task) == reading)
            {
                closeReason = await reading;
            }
            else
            {
                closedByServer = true;
                closeReason = await _closeRequested.Task;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            if (closeReason is not null && Json) Enqueue(new JsonObject { ["type"] = "system", ["event"] = "disconnected", ["message"] = closeReason });
            _outbox.Writer.TryComplete();
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                if (closedByServer)
                {
                    // The pending read takes the client's answering close frame.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, closeReason, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await ((Task)reading).WaitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                else
                {
                    await _socket.CloseAsync(closeReason is null ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.PolicyViolation,
                        closeReason ?? "", timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            if (_socket.State != WebSocketState.Closed) _socket.Abort();
            _closed.TrySetResult();
        }
    }

    /// <summary>
    /// Closes the connection from the server side, as the REST API's <c>:closeConnections</c> does: the client gets the
    /// <c>disconnected</c> system message with the reason, then a close frame. Completes once the connection is gone.
    /// </summary>
    public Task CloseAsync(string? reason)
    {
        _closeRequested.TrySetResult(reason ?? "The connection was closed by the service.");
        return _closed.Task;
    }

    /// <summary>Queues a message from a group (or, with no group, from the server). A client that falls 1,000 messages behind loses the rest.</summary>
    public void Deliver(OutgoingMessage message, string? group, string? fromUserId)
    {
        if (!Json)
        {
            _outbox.Writer.TryWrite((message.Raw, message.DataType == "binary" ? WebSocketMessageType.Binary : WebSocketMessageType.Text));
            return;
        }
        var wrapped = new JsonObject { ["type"] = "message", ["from"] = group is null ? "server" : "group" };
        if (fromUserId is not null) wrapped["fromUserId"] = fromUserId;
        if (group is not null) wrapped["group"] = group;
        wrapped["dataType"] = message.DataType;
        wrapped["data"] = message.Data?.DeepClone();
        Enqueue(wrapped);
    }

    private void Enqueue(JsonObject message) => _outbox.Writer.TryWrite((Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text));

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        await foreach (var (bytes, type) in _outbox.Reader.ReadAllAsync(ct))
        {
            await _socket.SendAsync(bytes, type, true, ct);
        }
    }

    /// <summary>Reads requests until the client closes; returns why the stand-in declines the client, if it does.</summary>
    private async Task<string?> ReadLoopAsync(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes) return "The message is too large.";
                if (!result.EndOfMessage) continue;
                var bytes = message.ToArray();
                message.SetLength(0);
                if (!Json) continue; // a raw client's messages would go to an upstream event handler; there is none here.
                if (Handle(bytes) is { } declined) return declined;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string? Handle(byte[] bytes)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(bytes) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return "The message is not a JSON object.";
        }
        var type = Text(request, "type");
        var group = Text(request, "group");
        long? ackId = request["ackId"] is JsonValue v && v.TryGetValue<long>(out var id) ? id : null;
        switch (type)
        {
            case "joinGroup" or "leaveGroup" when !string.IsNullOrEmpty(group):
                if (!Permits("webpubsub.joinLeaveGroup", group))
                {
                    Ack(ackId, "Forbidden", $"The client does not have permission to {(type == "joinGroup" ? "join" : "leave")} group '{group}'.");
                    return null;
                }
                if (type == "joinGroup") _hub.Join(this, group);
                else _hub.Leave(this, group);
                Ack(ackId, null, null);
                return null;
            case "sendToGroup" when !string.IsNullOrEmpty(group):
                if (!Permits("webpubsub.sendToGroup", group))
                {
                    Ack(ackId, "Forbidden", $"The client does not have permission to send to group '{group}'.");
                    return null;
                }
                var dataType = Text(request, "dataType") ?? "json";
                if (dataType is not ("json" or "text" or "binary")) return $"Unknown dataType '{dataType}'.";
                var data = request["data"];
                byte[] raw;
                try
                {
                    raw = dataType switch
                    {
                        "json" => Encoding.UTF8.GetBytes(data?.ToJsonString() ?? "null"),
                        "text" => Encoding.UTF8.GetBytes(data?.GetValue<string>() ?? ""),
                        _ => Convert.FromBase64String(data?.GetValue<string>() ?? ""),
                    };
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException)
                {
                    return $"The data does not match dataType '{dataType}'.";
                }
                var noEcho = request["noEcho"] is JsonValue echo && echo.TryGetValue<bool>(out var b) && b;
                _hub.SendToGroup(group, new OutgoingMessage(dataType, data, raw), UserId,
                    noEcho ? new HashSet<string> { ConnectionId } : new HashSet<string>());
                Ack(ackId, null, null);
                return null;
            case "event" when !string.IsNullOrEmpty(Text(request, "event")):
                // No upstream event handler is configured here: the event is accepted and dropped.
                Ack(ackId, null, null);
                return null;
            case "sequenceAck":
                return null;
            case "ping":
                Enqueue(new JsonObject { ["type"] = "pong" });
                return null;
            default:
                _log.LogInformation("Declining connection {ConnectionId}: unknown request {Type}", ConnectionId, type);
                return $"Unsupported request type '{type}'.";
        }
    }

    private bool Permits(string permission, string group) => _roles.Contains(permission) || _roles.Contains($"{permission}.{group}");

    private void Ack(long? ackId, string? error, string? message)
    {
        if (ackId is null) return;
        var ack = new JsonObject { ["type"] = "ack", ["ackId"] = ackId, ["success"] = error is null };
        if (error is not null) ack["error"] = new JsonObject { ["name"] = error, ["message"] = message };
        Enqueue(ack);
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
