namespace VoiceAgents.Functions.Analysis;

/// <summary>Analysis settings (section <c>Analysis</c>).</summary>
public sealed class AnalysisOptions
{
    public const string Section = "Analysis";

    /// <summary>Longest wait for one vendor request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound on the answer's tokens (Anthropic requires one).</summary>
    public int MaxTokens { get; set; } = 2048;

    /// <summary>The longest transcript sent, in characters; a longer one keeps its start and end.</summary>
    public int MaxTranscriptChars { get; set; } = 60_000;
}
