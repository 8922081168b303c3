using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// Holds the start back until the test lets it go, as a loaded machine may: the processors after it see the call
/// start only then. Every other frame passes at once.
/// </summary>
public sealed class HeldStart : FrameProcessor
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is StartFrame) await _released.Task.WaitAsync(ct);
        await base.ProcessFrameAsync(frame, direction, ct);
    }
}
