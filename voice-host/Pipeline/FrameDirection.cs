namespace VoiceAgents.VoiceHost.Pipeline;

public enum FrameDirection
{
    Downstream,
    Upstream,
}
