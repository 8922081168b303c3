namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The VAD heard speech start (after its minimum speech duration) or stop.</summary>
public sealed record VadSpeechStartedFrame(DateTimeOffset At) : SystemFrame;
