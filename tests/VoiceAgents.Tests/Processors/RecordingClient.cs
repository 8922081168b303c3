using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Processors;

/// <summary>The caller's side of a pipeline test: every event and every chunk of reply audio, with the (fake) time it was sent.</summary>
public sealed class RecordingClient(TimeProvider time) : IClientEvents
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset At, ClientEvent Event)> _events = [];
    private readonly List<(DateTimeOffset At, int Samples)> _audio = [];
    private TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<(DateTimeOffset At, ClientEvent Event)> Events
    {
        get
        {
            lock (_gate) return [.. _events];
        }
    }

    public List<(DateTimeOffset At, int Samples)> Audio
    {
        get
        {
            lock (_gate) return [.. _audio];
        }
    }

    /// <summary>The events' types in order, as the protocol names them.</summary>
    public List<string> Types => Events.Select(e => e.Event.Type).ToList();

    public void Send(ClientEvent e)
    {
        lock (_gate) _events.Add((time.GetUtcNow(), e));
        Signal();
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate) _audio.Add((time.GetUtcNow(), samples.Length));
        Signal();
        return ValueTask.CompletedTask;
    }

    /// <summary>The first event of type <typeparamref name="T"/> that matches, once it has been sent.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null) where T : ClientEvent
    {
        using var timeout = new CancellationTokenSource(FrameHarness.Patience);
        while (true)
        {
            Task sent;
            lock (_gate)
            {
                foreach (var (_, e) in _events)
                {
                    if (e is T t && (match is null || match(t))) return t;
                }
                sent = _sent.Task;
            }
            try
            {
                await sent.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {typeof(T).Name} among: {string.Join(", ", Types)}");
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource sent;
        lock (_gate)
        {
            sent = _sent;
            _sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        sent.TrySetResult();
    }
}
