namespace VoiceAgents.Core.Knowledge;

/// <summary>A chunk as the chunker cuts it: its place in the document, the headings it falls under, its text.</summary>
public sealed record ChunkText(int Position, string? Heading, string Text);
