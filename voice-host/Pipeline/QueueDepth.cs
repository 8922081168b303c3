namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// How many frames wait on one lane of a processor, against the lane's bound, and a way for a producer to wait
/// until there is room. Counting is separate from the channel so that a frame that must never wait (an end, a
/// frame going upstream) can still be queued over the bound; everything that carries volume waits first.
/// </summary>
public sealed class QueueDepth(int bound)
{
    private readonly Lock _gate = new();
    private int _count;
    private TaskCompletionSource? _room;

    public int Bound => bound;

    public int Count
    {
        get
        {
            lock (_gate) return _count;
        }
    }

    public void Added()
    {
        lock (_gate) _count++;
    }

    public void Removed()
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _count--;
            if (_count < bound)
            {
                wake = _room;
                _room = null;
            }
        }
        wake?.TrySetResult();
    }

    /// <summary>Completes once fewer than <see cref="Bound"/> frames wait (at once when that is already so).</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken ct)
    {
        while (true)
        {
            Task room;
            lock (_gate)
            {
                if (_count < bound) return;
                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _room.Task;
            }
            await room.WaitAsync(ct);
        }
    }
}
