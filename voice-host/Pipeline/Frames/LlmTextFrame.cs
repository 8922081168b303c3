namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>A piece of the LLM's streamed reply.</summary>
public sealed record LlmTextFrame(string Text) : DataFrame;
