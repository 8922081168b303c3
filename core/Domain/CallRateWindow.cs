using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// The calls a publishable key started in the minute from <see cref="WindowStart"/> (its first call in that
/// minute); one document per key, counted with single-document updates so the count holds across voice-hosts.
/// </summary>
public sealed class CallRateWindow
{
    /// <summary>The publishable key's id.</summary>
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
    public DateTime ExpiresAt { get; set; }
}
