
namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>A final user transcript for one turn.</summary>
public sealed record TranscriptionFrame(string Text, DateTimeOffset At) : DataFrame;
