using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// The tail of a <see cref="PipelineTask"/>'s pipeline: it tells the task when an <see cref="EndFrame"/> or a
/// <see cref="CancelFrame"/> has come through every stage; everything else going downstream ends here.
/// </summary>
public sealed class PipelineSink(Action<Frame> reached) : FrameProcessor
{
    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (direction == FrameDirection.Upstream) Push(frame, direction);
        else if (frame is EndFrame or CancelFrame) reached(frame);
        return ValueTask.CompletedTask;
    }
}
