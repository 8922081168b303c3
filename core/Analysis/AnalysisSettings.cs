namespace VoiceAgents.Core.Analysis;

/// <summary>
/// An agent's post-call analysis (<c>analysis</c>): what the analysis of each of its calls produces. The LLM (the
/// agent's, or <see cref="Provider"/>/<see cref="Model"/>) writes the summary, fills <see cref="DataSchemaJson"/>'s
/// fields and judges <see cref="Success"/>; a <c>rules</c> agent gets the offline, extractive analysis instead, whose
/// fields come from <see cref="Extract"/>.
/// </summary>
public sealed class AnalysisSettings
{
    /// <summary>Whether a summary is written.</summary>
    public bool Summary { get; set; } = true;

    /// <summary>The summary's own instructions, in place of the platform's.</summary>
    public string? SummaryPrompt { get; set; }

    /// <summary>
    /// The JSON Schema (an object schema) of the structured fields, kept as JSON text: its keywords (<c>$ref</c>,
    /// <c>$defs</c>) are not names a stored document may have.
    /// </summary>
    public string? DataSchemaJson { get; set; }

    /// <summary>Success criteria in words, for a verdict with a reason.</summary>
    public string? Success { get; set; }

    /// <summary>Per field, a .NET regular expression with one capture group that finds its value in what the caller said (offline analysis).</summary>
    public Dictionary<string, string> Extract { get; set; } = [];

    /// <summary>An LLM provider for analysis in place of the agent's (<c>rules</c>: the extractive analysis).</summary>
    public string? Provider { get; set; }

    /// <summary>The model of <see cref="Provider"/> (or of the agent's provider).</summary>
    public string? Model { get; set; }
}
