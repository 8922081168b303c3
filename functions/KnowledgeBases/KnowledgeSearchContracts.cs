namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>The chunks a knowledge base search found, best first.</summary>
public sealed record KnowledgeSearchResults(IReadOnlyList<KnowledgeSearchResult> Results);

/// <summary>One chunk found: where it comes from, its text and its score (BM25's, or reciprocal-rank fusion's with embeddings).</summary>
public sealed record KnowledgeSearchResult(string ChunkId, string DocumentId, string Source, string? Heading, int Position, string Text, double Score);
