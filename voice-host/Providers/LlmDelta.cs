using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// A streamed piece of an LLM reply: text, the model's request to end the call, or one complete tool call (a
/// provider gathers a call's streamed argument pieces and yields it whole; parallel calls come one after another).
/// </summary>
public sealed record LlmDelta(string Text, bool EndCall = false)
{
    public ToolCallRequest? ToolCall { get; init; }
}
