using Microsoft.Extensions.Time.Testing;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which of its timers are waiting and when they are due, so a test
/// moves time straight to the next one (a paced send, a lookahead wait) instead of stepping through it or sleeping.
/// </summary>
public sealed class TestClock() : FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"))
{
    private readonly Lock _gate = new();
    private readonly HashSet<Timer> _waiting = [];
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this);
        timer.Inner = base.CreateTimer(s =>
        {
            timer.Fired();
            callback(s);
        }, state, dueTime, period);
        timer.Arm(dueTime, period);
        return timer;
    }

    /// <summary>When the earliest waiting timer is due, if any is.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate) return _waiting.Count == 0 ? null : _waiting.Min(t => t.Due);
        }
    }

    /// <summary>Completes the next time a timer starts waiting (at once if one waits now).</summary>
    public Task TimerWaitingAsync()
    {
        lock (_gate) return _waiting.Count > 0 ? Task.CompletedTask : _armed.Task;
    }

    /// <summary>Moves the clock to the earliest waiting timer, but not past <paramref name="limit"/>; false when none is due by then.</summary>
    public bool AdvanceToNextTimer(DateTimeOffset limit)
    {
        if (NextDue is not { } due || due > limit) return false;
        if (due > GetUtcNow()) SetUtcNow(due);
        else Advance(TimeSpan.Zero);
        return true;
    }

    private void Waiting(Timer timer, bool waiting)
    {
        TaskCompletionSource? armed = null;
        lock (_gate)
        {
            if (!waiting)
            {
                _waiting.Remove(timer);
                return;
            }
            _waiting.Add(timer);
            armed = _armed;
            _armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        armed.TrySetResult();
    }

    private sealed class Timer(TestClock clock) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;
        public DateTimeOffset Due { get; private set; }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                clock.Waiting(this, false);
                return;
            }
            Due = clock.GetUtcNow() + dueTime;
            clock.Waiting(this, true);
        }

        public void Fired()
        {
            if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero) clock.Waiting(this, false);
            else Due += _period;
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = Inner.Change(dueTime, period);
            Arm(dueTime, period);
            return changed;
        }

        public void Dispose()
        {
            clock.Waiting(this, false);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
