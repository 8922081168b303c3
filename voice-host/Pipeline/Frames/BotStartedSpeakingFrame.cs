namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public sealed record BotStartedSpeakingFrame(DateTimeOffset At) : SystemFrame;
