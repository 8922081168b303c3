using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>A fixed window of attempts at an anonymous auth endpoint (logins per IP and email, signups per IP).</summary>
public sealed class LoginAttemptWindow
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string Key { get; set; }
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
    public DateTime ExpiresAt { get; set; }
}
