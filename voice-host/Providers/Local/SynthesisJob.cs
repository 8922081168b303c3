using System.Diagnostics;
using System.Threading.Channels;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// One piece of text for a synthesis worker, and the audio it streams back to the call. <see cref="Stop"/> (a
/// hang-up, a barge-in, a consumer that went away) makes the engine give up at its next chunk of audio.
/// </summary>
internal sealed class SynthesisJob(string text, string voice, double speed)
{
    private const int Working = 0, StopAsked = 1, Done = 2;
    private readonly Channel<AudioChunk> _audio = Channel.CreateUnbounded<AudioChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private int _state;
    private long _stopAskedAt;

    public string Text => text;
    public string Voice => voice;
    public double Speed => speed;
    public ChannelReader<AudioChunk> Audio => _audio.Reader;

    /// <summary>Cancelled once the call no longer wants this audio; an engine that blocks (a process) registers on it.</summary>
    public CancellationToken Stopping => _stop.Token;
    public bool StopRequested => _stop.IsCancellationRequested;

    public void Stop()
    {
        Interlocked.CompareExchange(ref _stopAskedAt, Stopwatch.GetTimestamp(), 0);
        if (Interlocked.CompareExchange(ref _state, StopAsked, Working) == Working) _stop.Cancel();
    }

    /// <summary>Hands audio to the call; false once the engine should stop.</summary>
    public bool Deliver(ReadOnlySpan<short> samples, int sampleRate)
    {
        if (StopRequested) return false;
        if (samples.Length > 0) _audio.Writer.TryWrite(new AudioChunk(samples.ToArray(), sampleRate));
        return true;
    }

    /// <summary>Marks the engine done with this job. Returns how long ago a stop was asked for, if it was.</summary>
    public TimeSpan? Finish() =>
        Interlocked.Exchange(ref _state, Done) == StopAsked ? Stopwatch.GetElapsedTime(Interlocked.Read(ref _stopAskedAt)) : null;

    /// <summary>Ends the audio the call reads (with the engine's error, if any).</summary>
    public void EndAudio(Exception? error) => _audio.Writer.TryComplete(error);
}
