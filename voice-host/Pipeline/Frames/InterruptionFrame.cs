namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The user barged in: everything the bot was about to say is dropped.</summary>
public sealed record InterruptionFrame(DateTimeOffset At) : SystemFrame;
