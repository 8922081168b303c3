namespace VoiceAgents.Core.Domain;

/// <summary>One tool call made during a call, as the transcript keeps it (a turn with speaker <c>tool</c>).</summary>
public sealed class ToolCallRecord
{
    public required string Name { get; set; }
    /// <summary>The arguments as JSON text.</summary>
    public string Arguments { get; set; } = "{}";
    /// <summary>The result as JSON text, when the tool answered.</summary>
    public string? Result { get; set; }
    public string? Error { get; set; }
    public double DurationMs { get; set; }
    public bool Ok { get; set; }
}
