using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// One number of a campaign as the dialer works through it. Every change is one conditional
/// <c>findOneAndUpdate</c>: a dispatcher claims a <c>pending</c> number whose time has come, and only the holder of
/// the current attempt's <see cref="CallId"/> moves it on, so no number is dialled twice at once.
/// </summary>
public sealed class CampaignNumber : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string CampaignId { get; set; }
    public required string PhoneNumber { get; set; }
    /// <summary>One of <see cref="NumberStatus"/>.</summary>
    public string Status { get; set; } = NumberStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? ClaimExpiresAt { get; set; }
    public string? ClaimedBy { get; set; }
    /// <summary>The current (or last) attempt's call log id, which is the call_id voice-host uses.</summary>
    public string? CallId { get; set; }
    public string? ProviderCallId { get; set; }
    /// <summary>How the last attempt ended: completed, busy, no_answer, failed, machine, claim_expired.</summary>
    public string? LastOutcome { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class NumberStatus
{
    public const string Pending = "pending";
    public const string Claimed = "claimed";
    public const string InProgress = "in_progress";
    public const string Done = "done";
    public const string Failed = "failed";
}
