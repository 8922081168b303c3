using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// A call's analysis as the API and the <c>call.analyzed</c> event show it: <c>kind</c> (<c>llm</c> or
/// <c>extractive</c>), <c>summary</c>, <c>data</c> (the fields of the agent's schema), <c>success</c>
/// <c>{verdict, reason}</c>, and <c>error</c> when the analysis failed.
/// </summary>
public sealed record CallAnalysisResponse(string Kind, string? Summary, JsonObject? Data, CallSuccessResponse? Success, string? Error, DateTime AnalyzedAt)
{
    private static readonly JsonWriterSettings Relaxed = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public static CallAnalysisResponse? From(CallAnalysis? a) => a is null ? null : new(
        a.Kind, a.Summary, a.Data is { } data ? JsonNode.Parse(data.ToJson(Relaxed))!.AsObject() : null,
        a.Success is { } s ? new CallSuccessResponse(s.Verdict, s.Reason) : null, a.Error, a.AnalyzedAt);
}

/// <summary>The verdict on the agent's success criteria, and why.</summary>
public sealed record CallSuccessResponse(bool Verdict, string? Reason);
