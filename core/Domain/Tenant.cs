using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

public sealed class Tenant
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Kept beside the users so "never remove the last admin" is one atomic update.</summary>
    public int AdminCount { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Outbound calls the dialer has placed and not yet seen end: the tenant's concurrency slots.</summary>
    public int ActiveCalls { get; set; }
    /// <summary>The tenant's cap on concurrent calls; null takes <c>CallSlots:TenantMaxConcurrentCalls</c> (10); voice-host and the dialer both enforce it.</summary>
    public int? MaxConcurrentCalls { get; set; }
    /// <summary>The tenant's calls-per-second limit; null takes <c>Dialer:TenantCallsPerSecond</c> (1).</summary>
    public double? CallsPerSecond { get; set; }
    /// <summary>The earliest time the dialer may place the tenant's next call (the rate limit, one atomic update).</summary>
    public DateTime? NextDialAt { get; set; }

    /// <summary>
    /// The tenant's webhooks, kept beside the tenant so the cap (<c>Webhooks:MaxPerTenant</c>) is one conditional
    /// <c>$inc</c>. Null for a tenant from before the cap, until its first new webhook counts the existing ones.
    /// </summary>
    public int? WebhookCount { get; set; }
}
