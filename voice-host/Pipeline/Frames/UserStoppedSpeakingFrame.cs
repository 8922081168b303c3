namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The user's turn ended: speech and then the configured silence.</summary>
public sealed record UserStoppedSpeakingFrame(DateTimeOffset SpeechEndedAt, DateTimeOffset At) : SystemFrame;
