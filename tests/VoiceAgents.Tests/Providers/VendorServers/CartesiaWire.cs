using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using VoiceAgents.Client;

namespace VoiceAgents.Tests.Providers.VendorServers;

/// <summary>
/// Cartesia's TTS WebSocket: the client sends generation requests as JSON text messages; the server answers each
/// context with <c>chunk</c> messages (base64 <c>data</c>), then <c>done</c>, or an <c>error</c>.
/// </summary>
public sealed class CartesiaWire(WebSocket socket)
{
    private readonly WebSocketMessageReader _reader = new(socket, 64 * 1024);

    public async Task<JsonElement> ReceiveRequestAsync(ConcurrentQueue<JsonElement> into, CancellationToken ct)
    {
        if (await _reader.ReadAsync(ct) == WebSocketMessageType.Close) throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "client closed");
        var request = JsonDocument.Parse(_reader.Message).RootElement.Clone();
        into.Enqueue(request);
        return request;
    }

    public Task ChunkAsync(string contextId, ReadOnlySpan<short> samples, CancellationToken ct) =>
        SendAsync(JsonSerializer.Serialize(new
        {
            type = "chunk",
            data = Convert.ToBase64String(MemoryMarshal.AsBytes(samples)),
            done = false,
            status_code = 206,
            step_time = 123,
            context_id = contextId,
        }), ct);

    public Task DoneAsync(string contextId, CancellationToken ct) =>
        SendAsync(JsonSerializer.Serialize(new { type = "done", done = true, status_code = 206, context_id = contextId }), ct);

    public Task ErrorAsync(string contextId, string title, string message, CancellationToken ct) =>
        SendAsync(JsonSerializer.Serialize(new { type = "error", done = true, title, message, error_code = "model_not_found", status_code = 400, context_id = contextId }), ct);

    public Task SendCloseAsync(WebSocketCloseStatus status, string description, CancellationToken ct) =>
        socket.CloseOutputAsync(status, description, ct);

    public Task SendAsync(string json, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct);

    /// <summary>Answers one request with <paramref name="samples"/> in chunks of <paramref name="chunk"/>, then done.</summary>
    public async Task AnswerAsync(string contextId, short[] samples, int chunk, CancellationToken ct, Task? afterFirst = null)
    {
        for (var i = 0; i < samples.Length; i += chunk)
        {
            await ChunkAsync(contextId, samples.AsSpan(i, Math.Min(chunk, samples.Length - i)), ct);
            if (i == 0 && afterFirst is not null) await afterFirst.WaitAsync(ProviderTestKit.Patience, ct);
        }
        await DoneAsync(contextId, ct);
    }

    public static short[] Ramp(int count) => Enumerable.Range(0, count).Select(i => (short)(i * 7)).ToArray();
}
