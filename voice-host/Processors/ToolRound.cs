using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The place in a conversation of one round of tool calls: reserved when the model asks for the calls, filled with
/// the assistant's tool calls and their results when every result is in. Until then the model does not see the
/// round, so a turn that starts while a tool still runs (after a barge-in) never sends calls without results.
/// </summary>
public sealed class ToolRound
{
    internal ChatMessage[]? Messages { get; set; }
}
