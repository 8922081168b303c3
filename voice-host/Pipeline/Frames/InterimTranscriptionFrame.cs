namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>What the caller seems to be saying so far; the output transport shows it as a non-final transcript.</summary>
/// <param name="HeardSpeechEnd">
/// Whether the STT had heard the audio up to the end of the caller's latest speech (the VAD's stop at
/// <paramref name="SpeechEndedAt"/>) when it said this; null when the STT does not say how much it has heard.
/// </param>
public sealed record InterimTranscriptionFrame(string Text, bool? HeardSpeechEnd = null, DateTimeOffset? SpeechEndedAt = null) : SystemFrame;
