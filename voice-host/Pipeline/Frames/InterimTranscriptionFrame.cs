namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>What the caller seems to be saying so far; the output transport shows it as a non-final transcript.</summary>
public sealed record InterimTranscriptionFrame(string Text) : SystemFrame;
