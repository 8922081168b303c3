namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Ends the call after everything queued before it has been played.</summary>
public sealed record EndFrame(string Reason) : ControlFrame, IUninterruptible;
