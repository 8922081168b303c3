using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>Everything known about a finished call. The recording is handed over as a stream-writing callback.</summary>
public sealed record CallCompleted(
    string CallId,
    string SessionId,
    string TenantId,
    string AgentId,
    string? CampaignId,
    string? PhoneNumber,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string EndReason,
    CallStatus Status,
    IReadOnlyList<TranscriptTurn> Transcript,
    IReadOnlyList<TurnMetricsReport> Turns,
    string? TraceParent = null,
    int Attempt = 1,
    IReadOnlyDictionary<string, string>? Variables = null,
    string? TransferredTo = null,
    CallUsage? Usage = null)
{
    public double DurationSeconds => Math.Round((EndedAt - StartedAt).TotalSeconds, 3);
}
