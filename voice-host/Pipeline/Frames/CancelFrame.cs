namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// Stops the pipeline now, for <see cref="Reason"/>: each stage drops what it has queued and stops its work as soon
/// as the frame is queued for it; the output transport tells the caller <c>end</c>. Only <see cref="PipelineTask"/> sends it.
/// </summary>
public sealed record CancelFrame(string Reason) : SystemFrame;
