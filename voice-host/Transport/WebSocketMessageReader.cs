using System.Buffers;
using System.Net.WebSockets;

namespace VoiceAgents.VoiceHost.Transport;

/// <summary>
/// Reads one whole WebSocket message at a time into a pooled buffer of the size limit plus one byte, so a message
/// over the limit is known without reading it all: the receive loop of every server-side socket (<c>/ws</c>,
/// <c>/twilio</c>). <see cref="Message"/> holds the last message read until the next read.
/// </summary>
public sealed class WebSocketMessageReader(WebSocket socket, int maxBytes) : IDisposable
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
    private int _length;

    public int MaxBytes => maxBytes;

    /// <summary>The last message read (empty after a close or a message too big).</summary>
    public ReadOnlyMemory<byte> Message => _buffer.AsMemory(0, _length);

    public async Task<WebSocketMessageKind> ReadAsync(CancellationToken ct)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(WebSocketMessageReader));
        var length = 0;
        _length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length, maxBytes + 1 - length), ct);
            if (result.MessageType == WebSocketMessageType.Close) return WebSocketMessageKind.Close;
            length += result.Count;
            if (length > maxBytes) return WebSocketMessageKind.TooBig;
            if (result.EndOfMessage)
            {
                _length = length;
                return result.MessageType == WebSocketMessageType.Binary ? WebSocketMessageKind.Binary : WebSocketMessageKind.Text;
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
