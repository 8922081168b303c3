namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Asks the LLM for a reply to the conversation so far.</summary>
public sealed record LlmRunFrame(IReadOnlyList<ChatMessage> Messages) : DataFrame;
