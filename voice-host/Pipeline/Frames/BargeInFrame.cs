namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// Speech while the bot talks has lasted the agent's minimum barge-in time, and the agent's interruption waits for
/// words: the <see cref="Processors.InterruptionProcessor"/> interrupts once the caller's words mean it.
/// </summary>
public sealed record BargeInFrame(DateTimeOffset At) : SystemFrame;
