namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A streamed piece of an LLM reply: text, or the model's request to end the call.</summary>
public sealed record LlmDelta(string Text, bool EndCall = false);
