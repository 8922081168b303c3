namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The user's turn began; emitted by turn detection. <see cref="BotSpeaking"/>: it began while the bot talked (a possible barge-in).</summary>
public sealed record UserStartedSpeakingFrame(DateTimeOffset At, bool BotSpeaking = false) : SystemFrame;
