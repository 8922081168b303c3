using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Bench.Offline;

/// <summary>Reads a <see cref="VoiceClient"/>'s timestamped events and audio from a moment on.</summary>
public static class CallerTimeline
{
    /// <summary>The first event of <paramref name="type"/> that arrived after <paramref name="after"/>, waited for.</summary>
    public static async Task<(DateTime At, JsonNode Event)> EventAfterAsync(VoiceClient caller, string type, DateTime after, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (caller.Events)
            {
                foreach (var e in caller.Events)
                {
                    if (e.At > after && VoiceClient.Type(e.Event) == type) return e;
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no '{type}' within {timeout} of {after:HH:mm:ss.fff}");
            await Task.Delay(2, ct);
        }
    }

    /// <summary>When the first reply audio after <paramref name="after"/> arrived, waited for.</summary>
    public static async Task<DateTime> AudioAfterAsync(VoiceClient caller, DateTime after, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (caller.Audio)
            {
                foreach (var a in caller.Audio)
                {
                    if (a.At > after) return a.At;
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no reply audio within {timeout} of {after:HH:mm:ss.fff}");
            await Task.Delay(1, ct);
        }
    }

    /// <summary>
    /// Streams silence in real time, 20 ms at a time, until <paramref name="stop"/> is cancelled. The token is only
    /// looked at between frames: a WebSocket send that is cancelled aborts the socket, which voice-host sees as the
    /// caller gone (<c>caller_disconnected</c>), so a send is never cancelled.
    /// </summary>
    public static async Task SilenceUntilAsync(VoiceClient caller, int rate, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && caller.State == System.Net.WebSockets.WebSocketState.Open)
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(20), rate, CancellationToken.None);
    }

    /// <summary>Keeps the microphone open (silence) until the greeting has been spoken to its end.</summary>
    public static Task<bool> HearGreetingAsync(VoiceClient caller, int rate, CancellationToken ct) => ListenAsync(caller, rate, DateTime.MinValue, ct);

    /// <summary>300 ms of silence, then the sentence, in real time; returns when its last frame was sent (the end of speech).</summary>
    public static async Task<DateTime> SayAsync(VoiceClient caller, short[] sentence, int rate, CancellationToken ct)
    {
        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate, ct);
        await caller.StreamAsync(sentence, rate, ct);
        return DateTime.UtcNow;
    }

    /// <summary>
    /// Keeps the microphone open (silence) until the bot has stopped speaking after <paramref name="after"/>; false
    /// when it did not start within <see cref="ReplyWithin"/> (nothing heard, or words that get no answer).
    /// </summary>
    public static async Task<bool> ListenAsync(VoiceClient caller, int rate, DateTime after, CancellationToken ct)
    {
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var silence = SilenceUntilAsync(caller, rate, listening.Token);
        try
        {
            await EventAfterAsync(caller, "bot_started_speaking", after, ReplyWithin, ct);
        }
        catch (TimeoutException)
        {
            await listening.CancelAsync();
            await silence;
            return false;
        }
        await EventAfterAsync(caller, "bot_stopped_speaking", after, TimeSpan.FromSeconds(30), ct);
        await listening.CancelAsync();
        await silence;
        return true;
    }

    /// <summary>How long after the end of speech a reply may take to start before the turn counts as unanswered.</summary>
    public static readonly TimeSpan ReplyWithin = TimeSpan.FromSeconds(8);
}
