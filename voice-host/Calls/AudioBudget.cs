namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Caller audio may run ahead of real time by at most a small burst: a token bucket measured in seconds of audio,
/// filled by the call's clock at one second per second up to <paramref name="burst"/> and emptied by the audio
/// that arrives. A client that sends faster than it could speak (a flood) runs it dry. A bucket rather than a
/// running total, so that a caller who went quiet for a minute cannot then send a minute of audio at once.
/// </summary>
public sealed class AudioBudget(TimeProvider time, TimeSpan burst)
{
    private readonly Lock _gate = new();
    private TimeSpan _credit = burst;
    private long _last = time.GetTimestamp();

    public TimeSpan Burst { get; } = burst;

    /// <summary>Takes <paramref name="audio"/> from the budget; false (and nothing taken) when it would go beyond it.</summary>
    public bool TryTake(TimeSpan audio)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var refill = time.GetElapsedTime(_last, now);
            _last = now;
            _credit = refill >= Burst - _credit ? Burst : _credit + refill;
            if (audio > _credit) return false;
            _credit -= audio;
            return true;
        }
    }
}
