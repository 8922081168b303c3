namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A transcript from speech-to-text: interim while the user talks, final once per utterance.</summary>
public sealed record SttResult(string Text, bool IsFinal, double? Confidence = null);
