
namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Interim transcript; informational only.</summary>
public sealed record InterimTranscriptionFrame(string Text) : SystemFrame;
