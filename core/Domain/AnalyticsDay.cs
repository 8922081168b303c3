using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// One UTC day of calls for a tenant, one of its agents or one of its campaigns (<see cref="Scope"/>), kept by
/// post-call processing so analytics need not aggregate raw call logs. Unique on tenant, scope, scope id and day.
/// </summary>
public sealed class AnalyticsDay : ITenantOwned
{
    public const string TenantScope = "tenant";
    public const string AgentScope = "agent";
    public const string CampaignScope = "campaign";

    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Scope { get; set; }
    public required string ScopeId { get; set; }
    public DateTime Day { get; set; }
    public long Calls { get; set; }
    /// <summary>Calls per status, keyed by the snake_case status (<c>no_answer</c>).</summary>
    public Dictionary<string, long> ByStatus { get; set; } = [];
    public double DurationSum { get; set; }
    /// <summary>Sum and count of the calls' average voice-to-voice latencies, for the average over calls.</summary>
    public double VoiceToVoiceSum { get; set; }
    public long VoiceToVoiceCalls { get; set; }
    /// <summary>The day's usage, the sum of its calls' (<see cref="CallLog.Usage"/>), counted in the same update as the rest.</summary>
    public CallUsage Usage { get; set; } = new();
    /// <summary>The calls counted here: the guard that counts a redelivered call once. Never read back.</summary>
    public List<string> CallIds { get; set; } = [];
    /// <summary>Calls whose analysis gave a success verdict, and how many of them succeeded (issue 15).</summary>
    public long Judged { get; set; }
    public long Succeeded { get; set; }
    /// <summary>The calls whose verdict is counted here: the guard that counts a verdict once. Never read back.</summary>
    public List<string> JudgedCallIds { get; set; } = [];
}
