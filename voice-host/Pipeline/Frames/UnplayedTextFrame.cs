namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// Sent upstream by the output when an interruption cuts a sentence: its words the caller did not hear, which a
/// false interruption (one that brings no words) says after all.
/// </summary>
public sealed record UnplayedTextFrame(string Text) : SystemFrame;
