namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// A final user transcript for one turn. A system frame, like the VAD's: it reports what the caller said, so it
/// reaches the output transport at once, whatever reply is queued, and no interruption flushes it.
/// </summary>
public sealed record TranscriptionFrame(string Text, DateTimeOffset At) : SystemFrame;
