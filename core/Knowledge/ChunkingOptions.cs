namespace VoiceAgents.Core.Knowledge;

/// <summary>How big <see cref="KnowledgeChunker"/>'s chunks are, in words.</summary>
public sealed record ChunkingOptions(int TargetWords = 300, int OverlapWords = 50)
{
    public static readonly ChunkingOptions Default = new();
}
