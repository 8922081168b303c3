using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>The audio of a greeting's first piece, at the provider's rate.</summary>
public sealed record GreetingPiece(IReadOnlyList<AudioChunk> Chunks)
{
    /// <summary>Bytes of audio held, what the cache counts against its limit.</summary>
    public long Bytes => Chunks.Sum(c => (long)c.Length * sizeof(short));
}
