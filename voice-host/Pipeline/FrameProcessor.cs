using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// A stage of a pipeline, joined to its neighbours by channels. System frames are handled on their own lane as
/// soon as they arrive. Data and control frames are handled in order on the data lane, under a token that an
/// <see cref="InterruptionFrame"/> cancels: that aborts the work in flight (a vendor request, a paced wait), drops
/// the queued frames except <see cref="IUninterruptible"/> ones, and starts a fresh lane.
/// </summary>
public abstract class FrameProcessor
{
    private readonly Channel<(Frame Frame, FrameDirection Direction)> _system =
        Channel.CreateUnbounded<(Frame, FrameDirection)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(Frame Frame, FrameDirection Direction)> _data = NewDataLane();
    private readonly Lock _dataGate = new();
    private CancellationTokenSource _dataLane = new();
    private Task _dataTask = Task.CompletedTask;
    private CancellationToken _stopping;

    protected FrameProcessor(ILogger? log = null) => Log = log ?? NullLogger.Instance;

    protected ILogger Log { get; }
    public FrameProcessor? Next { get; private set; }
    public FrameProcessor? Previous { get; private set; }
    public virtual string Name => GetType().Name;

    public void Link(FrameProcessor next)
    {
        Next = next;
        next.Previous = this;
    }

    /// <summary>Queues a frame for this processor; system frames go to the fast lane.</summary>
    public void Enqueue(Frame frame, FrameDirection direction)
    {
        if (frame is SystemFrame)
        {
            _system.Writer.TryWrite((frame, direction));
            return;
        }
        lock (_dataGate)
        {
            _data.Writer.TryWrite((frame, direction));
        }
    }

    /// <summary>Runs both lanes until the pipeline stops.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        StartDataLane();
        try
        {
            await foreach (var (frame, direction) in _system.Reader.ReadAllAsync(stopping))
            {
                if (frame is InterruptionFrame)
                {
                    await ResetDataLaneAsync();
                    await OnInterruptedAsync();
                }
                await ProcessFrameAsync(frame, direction, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            await _dataLane.CancelAsync();
            await _dataTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await OnStoppedAsync();
        }
    }

    /// <summary>Handles one frame; the default passes it on in the direction it was going.</summary>
    protected virtual ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        Push(frame, direction);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs after an interruption cancelled the data lane and before it restarts: reset per-reply state here.</summary>
    protected virtual ValueTask OnInterruptedAsync() => ValueTask.CompletedTask;

    protected virtual ValueTask OnStoppedAsync() => ValueTask.CompletedTask;

    /// <summary>Sends a frame to the next processor (downstream) or the previous one (upstream).</summary>
    protected void Push(Frame frame, FrameDirection direction = FrameDirection.Downstream)
    {
        var target = direction == FrameDirection.Downstream ? Next : Previous;
        target?.Enqueue(frame, direction);
    }

    /// <summary>Sends a frame both ways, as Pipecat does for speaking-state changes.</summary>
    protected void PushBoth(Frame frame)
    {
        Push(frame, FrameDirection.Downstream);
        Push(frame, FrameDirection.Upstream);
    }

    private static Channel<(Frame, FrameDirection)> NewDataLane() =>
        Channel.CreateUnbounded<(Frame, FrameDirection)>(new UnboundedChannelOptions { SingleReader = true });

    private void StartDataLane()
    {
        var lane = _data;
        var token = _dataLane.Token;
        _dataTask = Task.Run(async () =>
        {
            try
            {
                await foreach (var (frame, direction) in lane.Reader.ReadAllAsync(token))
                {
                    await ProcessFrameAsync(frame, direction, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Log.LogError(e, "{Processor} failed on the data lane", Name);
                Push(new ErrorFrame($"{Name} failed: {e.Message}", Fatal: true), FrameDirection.Upstream);
            }
        }, CancellationToken.None);
    }

    private async Task ResetDataLaneAsync()
    {
        await _dataLane.CancelAsync();
        await _dataTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _dataLane.Dispose();
        _dataLane = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        // Drop the queue but keep what must survive an interruption, in order.
        lock (_dataGate)
        {
            var kept = new List<(Frame, FrameDirection)>();
            while (_data.Reader.TryRead(out var item))
            {
                if (item.Frame is IUninterruptible) kept.Add(item);
            }
            foreach (var item in kept) _data.Writer.TryWrite(item);
        }
        StartDataLane();
    }
}
