using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Calls;

/// <summary>
/// A tenant slot held by a voice-host for one call (collection <c>call_slots</c>, id = call_id). The tenant's
/// counter is the cap; this document is what lets the slot of an instance that died be given back.
/// </summary>
public sealed class CallSlot
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }

    /// <summary>The voice-host instance that holds it, which renews <see cref="ExpiresAt"/> while the call lives.</summary>
    public required string Holder { get; set; }
    public DateTime ExpiresAt { get; set; }
}
