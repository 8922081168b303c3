using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>A tenant's set of documents an agent may answer from (<see cref="Agent.KnowledgeBases"/>).</summary>
public sealed class KnowledgeBase : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>Bumped on every document added or removed: voice-host rebuilds a cached index whose version is older.</summary>
    public long Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
