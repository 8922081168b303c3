namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// Audio for sentence <see cref="SentenceId"/> follows; the output learns its text before its audio, and through
/// <see cref="Progress"/> how much audio the TTS has produced so far, to tell how much of it a caller heard.
/// </summary>
public sealed record TtsSentenceStartFrame(long SentenceId, string Text, SentenceAudio Progress) : ControlFrame;
