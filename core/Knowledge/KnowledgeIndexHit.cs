using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Knowledge;

/// <summary>A chunk a search found, and its score: BM25's, or the reciprocal-rank fusion's when embeddings take part.</summary>
public sealed record KnowledgeIndexHit(KnowledgeChunk Chunk, double Score);
