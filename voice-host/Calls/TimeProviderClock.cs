using Microsoft.Extensions.Internal;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// <see cref="Microsoft.Extensions.Caching.Memory.MemoryCache"/>'s clock on the host's <see cref="TimeProvider"/>, so
/// entries lapse on the same clock as the rest of a call (and on a test's fake one).
/// </summary>
internal sealed class TimeProviderClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
