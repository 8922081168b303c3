using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>An uploaded document: its name and kind as uploaded, its size in bytes and how many chunks its text made.</summary>
public sealed record KnowledgeDocumentResponse(string Id, string KnowledgeBaseId, string FileName, string ContentType, long Bytes, int Chunks, DateTime CreatedAt)
{
    public static KnowledgeDocumentResponse From(KnowledgeDocument d) => new(d.Id, d.KnowledgeBaseId, d.FileName, d.ContentType, d.Bytes, d.Chunks, d.CreatedAt);
}
