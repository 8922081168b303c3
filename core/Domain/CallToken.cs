using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// A single-use web-call token (<c>va_ct_…</c>), bound to one agent of one tenant and the call's variables. Only its
/// hash is stored; voice-host redeems it by setting <see cref="UsedAt"/> in one guarded single-document update.
/// </summary>
public sealed class CallToken : ITenantOwned
{
    public const string Prefix = "va_ct_";

    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string AgentId { get; set; }
    public required string TokenHash { get; set; }
    public Dictionary<string, string> Variables { get; set; } = [];
    /// <summary>Who asked for it: a member's id, or an API key's.</summary>
    public required string CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}
