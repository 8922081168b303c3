namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The first frame of every pipeline.</summary>
public sealed record StartFrame(int InputSampleRate, int OutputSampleRate) : SystemFrame;
