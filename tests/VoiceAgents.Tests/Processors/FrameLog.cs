using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// One end of a <see cref="FrameHarness"/>: keeps the frames that reach it going one way (what leaves the processors
/// under test at that end) and passes on the frames going the other way.
/// </summary>
public sealed class FrameLog(FrameDirection keeps) : FrameProcessor
{
    private readonly Lock _gate = new();
    private readonly List<Frame> _frames = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<Frame> Frames
    {
        get
        {
            lock (_gate) return [.. _frames];
        }
    }

    /// <summary>The frames kept, without the start and the end that every run has (and the harness's markers).</summary>
    public List<Frame> Between => Frames.Where(f => f is not (StartFrame or EndFrame or FrameHarness.Marker)).ToList();

    /// <summary>Completes when the next frame arrives.</summary>
    public Task Arrival
    {
        get
        {
            lock (_gate) return _arrived.Task;
        }
    }

    public List<T> OfType<T>() => Frames.OfType<T>().ToList();

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (direction != keeps)
        {
            Push(frame, direction);
            return ValueTask.CompletedTask;
        }
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _frames.Add(frame);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        arrived.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
