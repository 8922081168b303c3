using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.Bench.Tools;

/// <summary>The tail of a bench call's pipeline: counts the replies that ended (the text frames before them end here).</summary>
public sealed class ReplyEnds : FrameProcessor
{
    public SemaphoreSlim Ended { get; } = new(0);

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is LlmResponseEndFrame) Ended.Release();
        return ValueTask.CompletedTask;
    }
}
