using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Transport;

/// <summary>
/// The single writer of a Twilio stream: reply audio as <c>media</c> (μ-law, base64) each followed by a <c>mark</c>
/// named by the samples sent so far, and <c>clear</c> on a barge-in. The echoed marks tell what was played.
/// </summary>
public sealed class TwilioMediaWriter(WebSocket socket, string streamSid, int capacity) : ICallTransport, IPlaybackReport
{
    // Bounded like SocketWriter's: reply audio waits for room, a clear that finds it full is dropped.
    private readonly Channel<byte[]> _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _sent;
    private long _played = -1;

    public long? PlayedSamples => Interlocked.Read(ref _played) is var p and >= 0 ? p : null;

    public void Send(ClientEvent e)
    {
        if (e is InterruptionEvent)
        {
            _outgoing.Writer.TryWrite(JsonSerializer.SerializeToUtf8Bytes(new OutgoingClear("clear", streamSid), StreamJson.Options));
        }
    }

    public async ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct)
    {
        var mulaw = ArrayPool<byte>.Shared.Rent(samples.Length);
        try
        {
            MuLaw.Encode(samples.Span, mulaw);
            var payload = Convert.ToBase64String(mulaw, 0, samples.Length);
            await _outgoing.Writer.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new OutgoingMedia("media", streamSid, new MediaPayload(payload)), StreamJson.Options), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(mulaw);
        }
        var sent = Interlocked.Add(ref _sent, samples.Length);
        await _outgoing.Writer.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(
            new OutgoingMark("mark", streamSid, new MarkName(sent.ToString(CultureInfo.InvariantCulture))), StreamJson.Options), ct);
    }

    /// <summary>Twilio echoed a mark: everything sent before it has been played (or cleared).</summary>
    public void Played(string name)
    {
        if (!long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var samples)) return;
        long current;
        do
        {
            current = Interlocked.Read(ref _played);
            if (samples <= current) return;
        }
        while (Interlocked.CompareExchange(ref _played, samples, current) != current);
    }

    public void Complete() => _outgoing.Writer.TryComplete();

    public Task CloseAsync(int code, string reason) => WebSocketClose.SendAsync(socket, code, reason);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var json in _outgoing.Reader.ReadAllAsync(ct))
            {
                if (socket.State != WebSocketState.Open) break;
                await socket.SendAsync(json, WebSocketMessageType.Text, true, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private sealed record OutgoingMedia(string Event, string StreamSid, MediaPayload Media);

    private sealed record MediaPayload(string Payload);

    private sealed record OutgoingMark(string Event, string StreamSid, MarkName Mark);

    private sealed record MarkName(string Name);

    private sealed record OutgoingClear(string Event, string StreamSid);
}
