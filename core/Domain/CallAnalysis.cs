using MongoDB.Bson;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// What a call meant, from the post-call analysis of the agent's <c>analysis</c> setting: a summary, the fields of
/// its JSON Schema (<see cref="Data"/>, as stored: a document whose properties are the schema's), and a verdict on its
/// success criteria. <see cref="Kind"/> says how it was made (<see cref="CallAnalysisKinds"/>); <see cref="Error"/>
/// is set instead when it could not be.
/// </summary>
public sealed class CallAnalysis
{
    public string Kind { get; set; } = CallAnalysisKinds.Llm;
    public string? Summary { get; set; }
    public BsonDocument? Data { get; set; }
    public CallSuccess? Success { get; set; }
    public string? Error { get; set; }
    public DateTime AnalyzedAt { get; set; }
}

/// <summary>The verdict on the agent's success criteria, and why.</summary>
public sealed class CallSuccess
{
    public bool Verdict { get; set; }
    public string? Reason { get; set; }
}

public static class CallAnalysisKinds
{
    /// <summary>By the agent's LLM (or the analysis model setting), with structured output.</summary>
    public const string Llm = "llm";
    /// <summary>Offline, with no LLM: the caller's first and last turns, and each field by the agent's regex.</summary>
    public const string Extractive = "extractive";
}
