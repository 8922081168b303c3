using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using VoiceAgents.Core.Json;

namespace VoiceAgents.VoiceHost.Transport;

/// <summary>
/// The single writer of a call's WebSocket: events as JSON text frames, audio as binary PCM16 frames. Its queue is
/// bounded: reply audio waits for room, so a caller who does not read holds the output back rather than memory
/// filling up; an event that finds the queue full is dropped (the caller is not reading anyway).
/// </summary>
public sealed class SocketWriter(WebSocket socket, int capacity) : ICallTransport
{
    private readonly Channel<object> _outgoing = Channel.CreateBounded<object>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private byte[] _audio = new byte[1920];

    public void Send(ClientEvent e) => _outgoing.Writer.TryWrite(e);

    public ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct) => _outgoing.Writer.WriteAsync(samples, ct);

    public void Complete() => _outgoing.Writer.TryComplete();

    public Task CloseAsync(int code, string reason) => WebSocketClose.SendAsync(socket, code, reason);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in _outgoing.Reader.ReadAllAsync(ct))
            {
                if (socket.State != WebSocketState.Open) break;
                if (item is ReadOnlyMemory<short> audio)
                {
                    // One writer sends one message at a time, so a single buffer serves every audio frame.
                    var bytes = MemoryMarshal.AsBytes(audio.Span);
                    if (_audio.Length < bytes.Length) _audio = new byte[bytes.Length];
                    bytes.CopyTo(_audio);
                    await socket.SendAsync(_audio.AsMemory(0, bytes.Length), WebSocketMessageType.Binary, true, ct);
                }
                else
                {
                    var json = JsonSerializer.SerializeToUtf8Bytes(item, item.GetType(), JsonDefaults.Options);
                    await socket.SendAsync(json, WebSocketMessageType.Text, true, ct);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }
}
