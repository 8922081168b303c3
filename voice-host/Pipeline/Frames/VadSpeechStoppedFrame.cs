namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public sealed record VadSpeechStoppedFrame(DateTimeOffset At) : SystemFrame;
