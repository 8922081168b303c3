namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public sealed record LlmResponseStartFrame : ControlFrame;
