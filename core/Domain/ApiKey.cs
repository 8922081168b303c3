using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// A tenant's server credential (<c>va_sk_…</c>). Only <see cref="SecretHash"/> is stored; <see cref="Prefix"/> (the
/// first characters of the secret, indexed) finds the key and lets people tell their keys apart.
/// </summary>
public sealed class ApiKey : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string[] Scopes { get; set; }
    public required string Prefix { get; set; }
    public required string SecretHash { get; set; }
    /// <summary>The member who created it.</summary>
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Written at most once a minute per key, so busy keys do not write on every request.</summary>
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
