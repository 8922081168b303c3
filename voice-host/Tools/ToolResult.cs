using System.Text.Json;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>
/// What a tool answered: a JSON result, or an error the model sees as <c>{"error": "..."}</c> so the agent can say so.
/// <see cref="EndsCall"/> asks the pipeline to end the call after the agent's next words (a transfer).
/// </summary>
public sealed record ToolResult(JsonElement? Result, string? Error = null)
{
    public bool Ok => Error is null;
    public bool EndsCall { get; init; }

    public static ToolResult Failed(string error) => new(null, error);

    /// <summary>The JSON text the model sees.</summary>
    public string ToJson() => Error is null
        ? (Result?.GetRawText() ?? "null")
        : JsonSerializer.Serialize(new { error = Error });
}
