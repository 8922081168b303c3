using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>A call's metadata. Its id is the call_id that voice-host announced in <c>ready</c>.</summary>
public sealed class CallLog : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string AgentId { get; set; }
    public string? CampaignId { get; set; }
    public string? PhoneNumber { get; set; }
    [BsonRepresentation(BsonType.String)] public CallStatus Status { get; set; }
    public string? EndReason { get; set; }
    public int Attempt { get; set; } = 1;
    public DateTime StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public double DurationSeconds { get; set; }
    public string? RecordingKey { get; set; }
    public string? TranscriptKey { get; set; }
    public List<TurnMetrics> Turns { get; set; } = [];
    public double? AvgVoiceToVoiceMs { get; set; }
    /// <summary>The call's variables (campaign contact, inbound number, <c>/ws</c> auth message).</summary>
    public Dictionary<string, string>? Variables { get; set; }
    /// <summary>The destination's name when the call ended with reason <c>transferred</c>.</summary>
    public string? TransferredTo { get; set; }
    /// <summary>What the call used (STT seconds, LLM tokens, TTS characters, minutes); null for a call that never connected.</summary>
    public CallUsage? Usage { get; set; }
    /// <summary>The post-call analysis, once it has run (issue 15).</summary>
    public CallAnalysis? Analysis { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum CallStatus
{
    InProgress,
    Completed,
    Failed,
    NoAnswer,
    Busy,
}

/// <summary>Latencies of one conversational turn, in milliseconds.</summary>
public sealed class TurnMetrics
{
    public int Turn { get; set; }
    public double? VoiceToVoiceMs { get; set; }
    public double? SttMs { get; set; }
    public double? LlmTtftMs { get; set; }
    public double? TtsTtfbMs { get; set; }
}
