namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public sealed record BotStoppedSpeakingFrame(DateTimeOffset At) : SystemFrame;
