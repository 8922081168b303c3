namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>A complete sentence to speak. <see cref="Id"/> ties its audio back to its text.</summary>
public sealed record TextFrame(string Text, long Id) : DataFrame;
