namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public abstract record ControlFrame : Frame;
