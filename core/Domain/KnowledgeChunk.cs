using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// A passage of a <see cref="KnowledgeDocument"/>, a few hundred words cut at headings and paragraphs with some
/// overlap: what retrieval indexes and returns. <see cref="Embedding"/> is set only when the tenant's knowledge base
/// uses embeddings.
/// </summary>
public sealed class KnowledgeChunk : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    [BsonRepresentation(BsonType.ObjectId)] public required string KnowledgeBaseId { get; set; }
    [BsonRepresentation(BsonType.ObjectId)] public required string DocumentId { get; set; }
    /// <summary>The document's file name, so an answer can say where it came from.</summary>
    public required string Source { get; set; }
    /// <summary>The chunk's place in its document, from 0.</summary>
    public int Position { get; set; }
    /// <summary>The heading the chunk falls under, if any ("Returns &gt; Refunds").</summary>
    public string? Heading { get; set; }
    public required string Text { get; set; }
    public float[]? Embedding { get; set; }
}
