namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>The caller stopped speaking at <paramref name="At"/>; the VAD has heard <paramref name="Silence"/> of their audio since (its stop time).</summary>
public sealed record VadSpeechStoppedFrame(DateTimeOffset At, TimeSpan Silence = default) : SystemFrame;
