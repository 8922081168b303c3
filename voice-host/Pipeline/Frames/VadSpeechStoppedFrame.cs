namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// The caller stopped speaking at <paramref name="At"/>. <paramref name="Silence"/>: the silence since then in the audio
/// before the frame this one comes ahead of (the frame in which the VAD found the stop follows it downstream), so a
/// stage that adds each audio frame's length from here counts every sample of the silence once.
/// </summary>
public sealed record VadSpeechStoppedFrame(DateTimeOffset At, TimeSpan Silence = default) : SystemFrame;
