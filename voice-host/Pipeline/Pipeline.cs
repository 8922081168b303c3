namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>A chain of processors. Frames enter at the head; each processor runs its lanes until the pipeline stops.</summary>
public sealed class Pipeline
{
    private readonly FrameProcessor[] _processors;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public Pipeline(params FrameProcessor[] processors)
    {
        if (processors.Length == 0) throw new ArgumentException("A pipeline needs processors.", nameof(processors));
        _processors = processors;
        for (var i = 0; i + 1 < processors.Length; i++) processors[i].Link(processors[i + 1]);
    }

    public IReadOnlyList<FrameProcessor> Processors => _processors;

    public void Start(StartFrame start)
    {
        _running = Task.WhenAll(_processors.Select(p => p.RunAsync(_stop.Token)));
        Enqueue(start);
    }

    /// <summary>Puts a frame in at the head, going downstream.</summary>
    public void Enqueue(Frame frame) => _processors[0].Enqueue(frame, FrameDirection.Downstream);

    /// <summary>Stops every processor at once; what is queued is dropped.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
