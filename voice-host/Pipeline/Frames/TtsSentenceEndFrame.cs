namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>All audio of a sentence has been queued; lets the output know the sentence is complete.</summary>
public sealed record TtsSentenceEndFrame(long SentenceId, string Text, int TotalSamples) : ControlFrame;
