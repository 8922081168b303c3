namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public sealed record LlmResponseEndFrame : ControlFrame;
