using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using VoiceAgents.Core.Credentials;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// A tenant's own key for a vendor (BYOK), one per tenant and provider (a unique index).
/// The key is sealed (<see cref="CredentialCipher"/>); only its last four characters are ever shown again.
/// </summary>
public sealed class ProviderCredential : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }

    /// <summary>A provider name as agents name it (<c>openai</c>, <c>openai_compatible</c>), or <c>twilio</c>.</summary>
    public required string Provider { get; set; }
    public required SealedSecret Key { get; set; }
    public required string Last4 { get; set; }

    /// <summary>A self-hosted server's API root (<c>openai_compatible</c>, <c>ai4bharat</c>); not secret.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Twilio's (sub)account SID, which the auth token belongs to; not secret.</summary>
    public string? AccountSid { get; set; }

    /// <summary>The caller id of the tenant's outbound calls on its own Twilio account (a number of that account, E.164); not secret.</summary>
    public string? FromNumber { get; set; }
    public bool Verified { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
