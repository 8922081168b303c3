using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// The latest failed logins of one account (at most the limit, oldest first), from any address: the limit holds in
/// any 15 minutes, and a window that passes frees the account again.
/// </summary>
public sealed class LoginFailureLog
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    /// <summary>A hash of the normalised email, so the collection does not list who is being attacked.</summary>
    public required string Key { get; set; }
    public List<LoginFailure> Failures { get; set; } = [];
    public DateTime ExpiresAt { get; set; }
}

/// <summary>One counted failure; <see cref="Token"/> lets a login that turns out right take back its own entry.</summary>
public sealed class LoginFailure
{
    public DateTime At { get; set; }
    public required string Token { get; set; }
}
