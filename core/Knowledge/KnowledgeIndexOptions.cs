using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Knowledge;

/// <summary>Retrieval settings (<c>Knowledge:*</c>): the index cache's bound and the optional embeddings API.</summary>
public sealed class KnowledgeIndexOptions
{
    public const string Section = "Knowledge";

    /// <summary>The most chunks the cached indexes hold together; the least recently used index goes first (one index is always kept).</summary>
    [Range(1, int.MaxValue)] public int MaxCachedChunks { get; set; } = 200_000;

    /// <summary>An OpenAI-compatible API root (<c>https://api.openai.com/v1</c>); with <see cref="EmbeddingsApiKey"/> it turns embeddings on.</summary>
    public string? EmbeddingsBaseUrl { get; set; }
    public string? EmbeddingsApiKey { get; set; }
    public string EmbeddingsModel { get; set; } = "text-embedding-3-small";
    public TimeSpan EmbeddingsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Embeddings take part only when both the API root and a key are set.</summary>
    public bool EmbeddingsConfigured => !string.IsNullOrWhiteSpace(EmbeddingsBaseUrl) && !string.IsNullOrWhiteSpace(EmbeddingsApiKey);
}
