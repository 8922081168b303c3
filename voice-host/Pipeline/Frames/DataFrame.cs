namespace VoiceAgents.VoiceHost.Pipeline.Frames;

public abstract record DataFrame : Frame;
