namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The user's turn began; emitted by turn detection.</summary>
public sealed record UserStartedSpeakingFrame(DateTimeOffset At) : SystemFrame;
