using VoiceAgents.Core.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Analysis;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.CallLogs;

public sealed record CallLogSummary(
    string Id, string AgentId, string? CampaignId, string? PhoneNumber, CallStatus Status, int Attempt,
    DateTime StartedAt, DateTime? EndedAt, double DurationSeconds, double? AvgVoiceToVoiceMs, DateTime CreatedAt,
    bool? Success = null)
{
    /// <summary>The list shows the analysis's success verdict only; the call's detail has the whole analysis.</summary>
    public static CallLogSummary From(CallLog c) => new(
        c.Id, c.AgentId, c.CampaignId, c.PhoneNumber, c.Status, c.Attempt, c.StartedAt, c.EndedAt, c.DurationSeconds, c.AvgVoiceToVoiceMs, c.CreatedAt,
        c.Analysis?.Success?.Verdict);
}

public sealed record TurnMetricsDto(int Turn, double? VoiceToVoiceMs, double? SttMs, double? LlmTtftMs, double? TtsTtfbMs);

public sealed record CallLogDetail(
    string Id, string AgentId, string? CampaignId, string? PhoneNumber, CallStatus Status, string? EndReason, int Attempt,
    DateTime StartedAt, DateTime? EndedAt, double DurationSeconds, double? AvgVoiceToVoiceMs, IReadOnlyList<TurnMetricsDto> Turns,
    string? RecordingUrl, DateTime? RecordingUrlExpiresAt, DateTime CreatedAt,
    [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Variables = null,
    string? TransferredTo = null,
    CallUsage? Usage = null,
    CallAnalysisResponse? Analysis = null);

/// <summary>A turn of the transcript: <c>user</c>, <c>assistant</c>, or <c>tool</c> with the call the agent made in <c>tool</c>.</summary>
public sealed record TranscriptTurnDto(string Speaker, string Text, long StartMs, long EndMs, ToolCallDto? Tool = null)
{
    public static TranscriptTurnDto From(TranscriptTurn t) => new(t.Speaker, t.Text, t.StartMs, t.EndMs, t.Tool is { } tool ? ToolCallDto.From(tool) : null);
}

/// <summary>A tool call: its arguments and result as JSON, or its error; how long it took; whether it succeeded.</summary>
public sealed record ToolCallDto(string Name, JsonNode? Arguments, JsonNode? Result, string? Error, double DurationMs, bool Ok)
{
    public static ToolCallDto From(ToolCallRecord r) => new(r.Name, Json(r.Arguments), Json(r.Result), r.Error, r.DurationMs, r.Ok);

    /// <summary>The stored JSON text as JSON; text that is not JSON (a tool's odd answer) as a string.</summary>
    private static JsonNode? Json(string? text)
    {
        if (text is null) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}

public sealed record TranscriptResponse(string CallId, IReadOnlyList<TranscriptTurnDto> Turns);
