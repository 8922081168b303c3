using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>A round of tool calls done: the tool messages for the model, and whether a tool handed the call on (a transfer).</summary>
public sealed record ToolRoundResult(IReadOnlyList<ChatMessage> Messages, bool EndsCall);
