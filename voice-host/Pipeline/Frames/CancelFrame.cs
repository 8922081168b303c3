
namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Stops the pipeline at once, dropping whatever is queued.</summary>
public sealed record CancelFrame(string Reason) : SystemFrame;
