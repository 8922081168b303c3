using Microsoft.Extensions.Options;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// The calls this instance is serving, so a shutdown can wait for them. Each call holds a lease from the moment it
/// is accepted until its post-call hand-off (the sink) is done.
/// </summary>
public sealed class ActiveCalls
{
    private readonly Lock _gate = new();
    private readonly HashSet<Lease> _leases = [];
    private TaskCompletionSource _empty = NewEmpty(completed: true);
    private string? _endAllReason;

    public int Count
    {
        get
        {
            lock (_gate) return _leases.Count;
        }
    }

    public Lease Enter() => TryEnter(int.MaxValue)!;

    /// <summary>A lease if fewer than <paramref name="max"/> calls hold one, else null: the instance's cap, checked and taken at once.</summary>
    public Lease? TryEnter(int max)
    {
        lock (_gate)
        {
            if (_leases.Count >= max) return null;
            var lease = new Lease(this);
            if (_leases.Count == 0) _empty = NewEmpty(completed: false);
            _leases.Add(lease);
            return lease;
        }
    }

    /// <summary>The calls live now (those attached to their lease), for diagnostics and tests.</summary>
    public IReadOnlyList<Call> Live
    {
        get
        {
            lock (_gate) return [.. _leases.Select(l => l.Call).OfType<Call>()];
        }
    }

    /// <summary>Completes once no call holds a lease (all ended and handed off).</summary>
    public Task WhenEmpty()
    {
        lock (_gate) return _empty.Task;
    }

    /// <summary>Ends every live call, and any call that starts from now on, for <paramref name="reason"/>.</summary>
    public void EndAll(string reason)
    {
        List<Lease> leases;
        lock (_gate)
        {
            _endAllReason = reason;
            leases = [.. _leases];
        }
        foreach (var lease in leases) lease.Call?.Finish(reason);
    }

    private void Leave(Lease lease)
    {
        lock (_gate)
        {
            if (_leases.Remove(lease) && _leases.Count == 0) _empty.TrySetResult();
        }
    }

    private static TaskCompletionSource NewEmpty(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed) tcs.SetResult();
        return tcs;
    }

    public sealed class Lease(ActiveCalls owner) : IDisposable
    {
        public Call? Call { get; private set; }

        public void Attach(Call call)
        {
            string? endReason;
            lock (owner._gate)
            {
                Call = call;
                endReason = owner._endAllReason;
            }
            if (endReason is not null) call.Finish(endReason);
        }

        public void Dispose() => owner.Leave(this);
    }
}
