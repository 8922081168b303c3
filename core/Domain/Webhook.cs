using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>A tenant's HTTPS endpoint and the event types it is sent.</summary>
public sealed class Webhook : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Url { get; set; }
    public List<string> Events { get; set; } = [];

    /// <summary>The signing secret. Shown once, when created or rotated; kept in clear because signing needs it.</summary>
    public required string Secret { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
