namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public abstract record SystemFrame : Frame;
