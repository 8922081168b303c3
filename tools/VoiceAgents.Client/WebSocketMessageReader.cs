using System.Net.WebSockets;

namespace VoiceAgents.Client;

/// <summary>
/// Reads whole WebSocket messages, however many frames each one arrives in, into one buffer that grows to the
/// largest message seen. One reader per socket, used by one receive loop (a WebSocket takes one receive at a time).
/// </summary>
/// <param name="socket">The socket to read.</param>
/// <param name="initialSize">The buffer's first size in bytes; it doubles whenever a message does not fit.</param>
public sealed class WebSocketMessageReader(WebSocket socket, int initialSize = 16 * 1024)
{
    private byte[] _buffer = new byte[Math.Max(initialSize, 1)];
    private int _length;

    /// <summary>The message the last <see cref="ReadAsync"/> returned: valid until the next read, empty after a close.</summary>
    public ReadOnlyMemory<byte> Message => _buffer.AsMemory(0, _length);

    /// <summary>Reads the next whole message into <see cref="Message"/> and returns its type; <see cref="WebSocketMessageType.Close"/> once the peer has closed.</summary>
    /// <param name="ct">Cancelling a pending receive aborts the socket, as <see cref="WebSocket.ReceiveAsync(Memory{byte}, CancellationToken)"/> does.</param>
    public async ValueTask<WebSocketMessageType> ReadAsync(CancellationToken ct)
    {
        _length = 0;
        while (true)
        {
            if (_length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var result = await socket.ReceiveAsync(_buffer.AsMemory(_length), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _length = 0;
                return WebSocketMessageType.Close;
            }
            _length += result.Count;
            if (result.EndOfMessage) return result.MessageType;
        }
    }
}
