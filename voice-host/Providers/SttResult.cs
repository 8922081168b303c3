namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A transcript from speech-to-text: interim while the user talks, final once per utterance.</summary>
/// <param name="HeardUntil">
/// How much of the session's audio the result has heard, from the session's first sample, when the vendor says
/// (PocketSphinx, and Deepgram's <c>start + duration</c>). An STT lags the audio: an interim that has not heard the
/// end of the caller's speech may yet gain a word, so a turn detector should not take it as all that was said.
/// </param>
public sealed record SttResult(string Text, bool IsFinal, double? Confidence = null, TimeSpan? HeardUntil = null);
