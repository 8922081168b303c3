using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>A chain of processors. Frames enter at the head; each processor runs its lanes until the pipeline stops.</summary>
public sealed class Pipeline
{
    private readonly FrameProcessor[] _processors;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public Pipeline(params FrameProcessor[] processors)
        : this(new PipelineBounds(FrameProcessor.DefaultAudioBound, FrameProcessor.DefaultDataBound), null, processors)
    {
    }

    /// <param name="bounds">How many audio and data frames may wait on each processor.</param>
    /// <param name="failed">Told when a processor's lane throws (once per failure); the call decides what happens next.</param>
    /// <param name="processors">The stages, head first.</param>
    public Pipeline(PipelineBounds bounds, Action<FrameProcessor, Exception>? failed, params FrameProcessor[] processors)
    {
        if (processors.Length == 0) throw new ArgumentException("A pipeline needs processors.", nameof(processors));
        _processors = processors;
        for (var i = 0; i + 1 < processors.Length; i++) processors[i].Link(processors[i + 1]);
        foreach (var p in processors)
        {
            p.Bound(bounds.Audio, bounds.Data);
            p.Failed = failed;
        }
    }

    public IReadOnlyList<FrameProcessor> Processors => _processors;

    public void Start(StartFrame start)
    {
        _running = Task.WhenAll(_processors.Select(p => p.RunAsync(_stop.Token)));
        Enqueue(start);
    }

    /// <summary>Puts a frame in at the head, going downstream, at once.</summary>
    public void Enqueue(Frame frame) => _processors[0].Enqueue(frame, FrameDirection.Downstream);

    /// <summary>Puts a frame in at the head once the head has room for it: how a transport feeds caller audio.</summary>
    public ValueTask EnqueueAsync(Frame frame, CancellationToken ct) => _processors[0].EnqueueAsync(frame, FrameDirection.Downstream, ct);

    /// <summary>Stops every processor at once; what is queued is dropped.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
