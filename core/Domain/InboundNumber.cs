using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// A phone number of the platform's telephony account that the operator allocated to one tenant (unique on the
/// number), and the tenant's agent that answers inbound calls to it, once the tenant maps one.
/// </summary>
public sealed class InboundNumber : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string PhoneNumber { get; set; }
    public required string TenantId { get; set; }
    /// <summary>Null until the tenant maps the number to an agent; inbound calls to it are not answered until then.</summary>
    public string? AgentId { get; set; }
    /// <summary>Variables every inbound call to this number starts with.</summary>
    public Dictionary<string, string> Variables { get; set; } = [];
    /// <summary>When the operator allocated the number.</summary>
    public DateTime CreatedAt { get; set; }
}
