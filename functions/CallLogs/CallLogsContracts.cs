using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.CallLogs;

public sealed record CallLogSummary(
    string Id, string AgentId, string? CampaignId, string? PhoneNumber, CallStatus Status, int Attempt,
    DateTime StartedAt, DateTime? EndedAt, double DurationSeconds, double? AvgVoiceToVoiceMs, DateTime CreatedAt)
{
    public static CallLogSummary From(CallLog c) => new(
        c.Id, c.AgentId, c.CampaignId, c.PhoneNumber, c.Status, c.Attempt, c.StartedAt, c.EndedAt, c.DurationSeconds, c.AvgVoiceToVoiceMs, c.CreatedAt);
}

public sealed record TurnMetricsDto(int Turn, double? VoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs);

public sealed record CallLogDetail(
    string Id, string AgentId, string? CampaignId, string? PhoneNumber, CallStatus Status, string? EndReason, int Attempt,
    DateTime StartedAt, DateTime? EndedAt, double DurationSeconds, double? AvgVoiceToVoiceMs, IReadOnlyList<TurnMetricsDto> Turns,
    string? RecordingUrl, DateTime? RecordingUrlExpiresAt, DateTime CreatedAt);

public sealed record TranscriptTurnDto(string Speaker, string Text, long StartMs, long EndMs);

public sealed record TranscriptResponse(string CallId, IReadOnlyList<TranscriptTurnDto> Turns);
