using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// A key a tenant puts in a web page (<c>va_pk_…</c>) so that visitors may call some of its agents. It is no secret:
/// what guards it is the browser's <c>Origin</c>, which must be one of <see cref="AllowedOrigins"/>, and a limit of
/// <see cref="CallsPerMinute"/>, on top of the tenant's concurrent-call cap.
/// </summary>
public sealed class PublishableKey : ITenantOwned
{
    public const string Prefix = "va_pk_";
    public const int DefaultCallsPerMinute = 10;
    public const int MaxCallsPerMinute = 1000;

    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string Key { get; set; }
    public required string[] AgentIds { get; set; }
    /// <summary>Normalized origins (<c>scheme://host[:port]</c>, lowercase, default ports left out).</summary>
    public required string[] AllowedOrigins { get; set; }
    public int CallsPerMinute { get; set; } = DefaultCallsPerMinute;
    public DateTime CreatedAt { get; set; }
}
