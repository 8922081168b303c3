namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Text the bot actually spoke (all of a sentence, or the part played before an interruption).</summary>
public sealed record SpokenTextFrame(string Text, bool Interrupted) : SystemFrame;
