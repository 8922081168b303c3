namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// One message of the conversation an LLM sees. An assistant message may carry the tool calls the model made
/// (<see cref="ToolCalls"/>); a <see cref="Tool"/> message is one call's result, for <see cref="ToolCallId"/>.
/// </summary>
public sealed record ChatMessage(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Tool = "tool";

    /// <summary>Assistant messages: the tool calls the model asked for in this turn, in order.</summary>
    public IReadOnlyList<ToolCallRequest>? ToolCalls { get; init; }

    /// <summary>Tool messages: the id of the call this is the result of.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Tool messages: the tool's name (Anthropic and some OpenAI-compatible servers want it).</summary>
    public string? ToolName { get; init; }

    /// <summary>Tool messages: the tool failed (or was cancelled); Anthropic is told so with <c>is_error</c>.</summary>
    public bool IsError { get; init; }
}
