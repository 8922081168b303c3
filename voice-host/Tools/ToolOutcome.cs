using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>One tool call done: the tool message the model gets, and the result it came from.</summary>
public sealed record ToolOutcome(ChatMessage Message, ToolResult Result);
