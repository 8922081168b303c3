using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>A knowledge base; <c>version</c> goes up by one with every document added or removed.</summary>
public sealed record KnowledgeBaseResponse(string Id, string Name, string? Description, long Version, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static KnowledgeBaseResponse From(KnowledgeBase k) => new(k.Id, k.Name, k.Description, k.Version, k.CreatedAt, k.UpdatedAt);
}
