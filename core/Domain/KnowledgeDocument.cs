using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>A document uploaded to a knowledge base: the original in S3 (<see cref="ObjectKey"/>), its text in <see cref="KnowledgeChunk"/>s.</summary>
public sealed class KnowledgeDocument : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    [BsonRepresentation(BsonType.ObjectId)] public required string KnowledgeBaseId { get; set; }
    /// <summary>The uploaded file's name, as given.</summary>
    public required string FileName { get; set; }
    /// <summary><c>text/plain</c>, <c>text/markdown</c>, <c>text/html</c> or <c>application/pdf</c>.</summary>
    public required string ContentType { get; set; }
    public long Bytes { get; set; }
    /// <summary>The original's S3 key; it begins with the tenant (<c>knowledge/{tenant}/{kb}/{document}</c>).</summary>
    public required string ObjectKey { get; set; }
    public int Chunks { get; set; }
    public DateTime CreatedAt { get; set; }
}
