namespace VoiceAgents.Client;

/// <summary>
/// Keeps audio going out in real time, as a microphone or a phone line delivers it: after each frame it waits until
/// the clock has caught up with all the audio sent so far. Counting from one start rather than sleeping a frame's
/// length each time keeps a long stream from drifting behind by the timer's lateness. A sender that stalls catches up
/// at most <see cref="MaxCatchUp"/> at once, as a phone line's jitter buffer would: a longer stall shifts the clock
/// instead, so a hiccup on the sender never turns into a burst that voice-host refuses as audio ahead of real time.
/// </summary>
public sealed class AudioPacer
{
    private readonly TimeProvider _time;
    private long _start;
    private long _samples;

    /// <summary>The most audio a stalled sender sends without waiting.</summary>
    public static readonly TimeSpan MaxCatchUp = TimeSpan.FromMilliseconds(500);

    /// <summary>Starts the clock now.</summary>
    /// <param name="sampleRate">Samples per second of the audio being paced.</param>
    /// <param name="time">The clock; the system's when null.</param>
    public AudioPacer(int sampleRate, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        SampleRate = sampleRate;
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
    }

    /// <summary>Samples per second of the audio being paced.</summary>
    public int SampleRate { get; }

    /// <summary>Samples in 20 ms, the frame a phone line or voice-host sends.</summary>
    public int FrameSamples => SampleRate / 50;

    /// <summary>Time since the pacer was made.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>How much audio has been counted as sent.</summary>
    public TimeSpan Sent => TimeSpan.FromSeconds((double)_samples / SampleRate);

    /// <summary>Counts <paramref name="samples"/> more as sent, then waits until real time has caught up with all of it.</summary>
    public async Task SentAsync(int samples, CancellationToken ct)
    {
        _samples += samples;
        var behind = Elapsed - Sent - MaxCatchUp;
        if (behind > TimeSpan.Zero) _start += (long)(behind.TotalSeconds * _time.TimestampFrequency);
        var due = Sent - Elapsed;
        if (due > TimeSpan.Zero) await Task.Delay(due, _time, ct);
    }
}
