using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The audio of a greeting's first piece at the provider's rate. <paramref name="BilledTo"/> names the vendor whose
/// request made it for this call (its characters are counted as usage), or null when it came from the cache.
/// </summary>
public sealed record GreetingPiece(IReadOnlyList<AudioChunk> Chunks, string? BilledTo)
{
    /// <summary>Bytes of audio held, what the cache counts against its limit.</summary>
    public long Bytes => Chunks.Sum(c => (long)c.Length * sizeof(short));
}
