using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// A stage of a pipeline, joined to its neighbours by channels. System frames are handled on their own lane as
/// soon as they arrive. Data and control frames are handled in order on the data lane, under a token that an
/// <see cref="InterruptionFrame"/> cancels: that aborts the work in flight (a vendor request, a paced wait), drops
/// the queued frames except <see cref="IUninterruptible"/> ones, and starts a fresh lane. A <see cref="CancelFrame"/>
/// stops a processor as soon as it is queued for it: the work in flight is cancelled, the data lane stops for good,
/// queued caller audio is dropped, and the cancel goes on once the system frames before it have been handled.
/// </summary>
/// <remarks>
/// <para>
/// Flow control. Two kinds of frame carry volume: caller audio (<see cref="InputAudioFrame"/>, on the system lane)
/// and everything on the data lane (LLM text, sentences, TTS audio). For each, a processor counts what waits on
/// it (<see cref="QueuedAudio"/>, <see cref="QueuedData"/>) against a bound, and a producer waits for room before
/// it adds more: a lane takes its next audio frame, or its next data frame, only when the next processor has room
/// for what it will pass on, and a stage that makes many frames of one (the LLM's tokens, a sentence's audio)
/// waits before each with <see cref="PushAsync"/>. A slow stage so holds back the one before it, and so on up to
/// the transport, which stops reading the caller's socket (<c>Call.PushAudioAsync</c>).
/// </para>
/// <para>
/// Why this cannot deadlock although frames go both ways: only frames going downstream ever wait, and only for the
/// processor after them, so every wait points down the chain and the last processor waits on nothing in the
/// pipeline (the clock, the socket). Frames going upstream and system frames other than audio (VAD events,
/// interruptions, speaking state, errors) are queued at once, over the bound if need be; they are few, one per
/// event. So a system frame still overtakes any data queued before it; behind audio it waits at most for a bounded
/// number of audio frames. An interruption cancels the token a blocked producer waits with, and flushing a lane
/// frees its room.
/// </para>
/// <para>
/// Failure. A lane that throws tells the pipeline once (<see cref="Failed"/>, which ends the call) and is broken from
/// then on: it drops what reaches it, except the frames that report or end (<see cref="ErrorFrame"/>,
/// <see cref="EndFrame"/>, <see cref="CancelFrame"/>), which it passes on, so the caller still hears of the error and
/// the end, and the frames before it never wait on it.
/// </para>
/// </remarks>
public abstract class FrameProcessor
{
    /// <summary>One second of caller audio in 20 ms frames.</summary>
    public const int DefaultAudioBound = 50;

    /// <summary>About five seconds of reply audio in 20 ms frames: a whole sentence usually fits, so its length is known when a barge-in cuts it.</summary>
    public const int DefaultDataBound = 256;

    private readonly Channel<(Frame Frame, FrameDirection Direction)> _system =
        Channel.CreateUnbounded<(Frame, FrameDirection)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<(Frame Frame, FrameDirection Direction)> _data =
        Channel.CreateUnbounded<(Frame, FrameDirection)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _dataGate = new();
    private readonly CancellationTokenSource _cancelled = new();
    private QueueDepth _audio = new(DefaultAudioBound);
    private QueueDepth _queued = new(DefaultDataBound);
    private CancellationTokenSource _dataLane = new();
    private Task _dataTask = Task.CompletedTask;
    private CancellationToken _stopping;
    private bool _systemBroken;
    private bool _dataBroken;

    protected FrameProcessor(ILogger? log = null) => Log = log ?? NullLogger.Instance;

    protected ILogger Log { get; }
    public FrameProcessor? Next { get; private set; }
    public FrameProcessor? Previous { get; private set; }
    public virtual string Name => GetType().Name;

    /// <summary>Caller audio frames waiting on this processor's system lane.</summary>
    public int QueuedAudio => _audio.Count;

    /// <summary>Frames waiting on this processor's data lane.</summary>
    public int QueuedData => _queued.Count;

    public int AudioBound => _audio.Bound;
    public int DataBound => _queued.Bound;

    /// <summary>Told when a lane of this processor throws, once per lane; the pipeline sets it.</summary>
    internal Action<FrameProcessor, Exception>? Failed { get; set; }

    public void Link(FrameProcessor next)
    {
        Next = next;
        next.Previous = this;
    }

    /// <summary>Sets the lanes' bounds; only before the pipeline starts.</summary>
    internal void Bound(int audio, int data)
    {
        _audio = new QueueDepth(audio);
        _queued = new QueueDepth(data);
    }

    /// <summary>Queues a frame for this processor at once, whatever the bound; system frames go to the fast lane.</summary>
    public void Enqueue(Frame frame, FrameDirection direction)
    {
        if (frame is SystemFrame)
        {
            // Before it is queued: the work in flight stops now rather than when the cancel's turn comes.
            if (frame is CancelFrame) _cancelled.Cancel();
            if (IsCountedAudio(frame, direction)) _audio.Added();
            _system.Writer.TryWrite((frame, direction));
            return;
        }
        if (_cancelled.IsCancellationRequested) return;
        lock (_dataGate)
        {
            _queued.Added();
            _data.Writer.TryWrite((frame, direction));
        }
    }

    /// <summary>Queues a frame once there is room for it on its lane (audio and data frames going downstream wait; others do not).</summary>
    public async ValueTask EnqueueAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (RoomFor(frame, direction) is { } depth) await depth.WaitForRoomAsync(ct);
        Enqueue(frame, direction);
    }

    /// <summary>Runs both lanes until the pipeline stops.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        // Not disposed: processors may hand its token to work that outlives the lane (an STT finalize).
        var work = CancellationTokenSource.CreateLinkedTokenSource(stopping, _cancelled.Token);
        _dataLane = CancellationTokenSource.CreateLinkedTokenSource(work.Token);
        StartDataLane();
        try
        {
            var reader = _system.Reader;
            while (await reader.WaitToReadAsync(stopping))
            {
                // Audio is taken only when the next processor has room for it (see the remarks above).
                if (!work.IsCancellationRequested && reader.TryPeek(out var head) && Next?.RoomFor(head.Frame, head.Direction) is { } room)
                {
                    try
                    {
                        await room.WaitForRoomAsync(work.Token);
                    }
                    catch (OperationCanceledException) when (_cancelled.IsCancellationRequested)
                    {
                    }
                }
                if (!reader.TryRead(out var item)) continue;
                var (frame, direction) = item;
                if (IsCountedAudio(frame, direction)) _audio.Removed();
                if ((_cancelled.IsCancellationRequested || _systemBroken) && !Reports(frame))
                {
                    if (!_systemBroken) OnDropped(frame, direction);
                    continue;
                }
                if (_systemBroken)
                {
                    Push(frame, direction);
                    continue;
                }
                try
                {
                    if (frame is InterruptionFrame && !_cancelled.IsCancellationRequested)
                    {
                        await ResetDataLaneAsync(work.Token);
                        await OnInterruptedAsync();
                    }
                    await ProcessFrameAsync(frame, direction, work.Token);
                }
                catch (OperationCanceledException) when (work.IsCancellationRequested)
                {
                    if (stopping.IsCancellationRequested) throw;
                    // Cancelled mid-frame: a cancel or end must still go on.
                    if (frame is CancelFrame) Push(frame, direction);
                }
                catch (Exception e)
                {
                    Log.LogError(e, "{Processor} failed on the system lane", Name);
                    _systemBroken = true;
                    Failed?.Invoke(this, e);
                    if (Reports(frame)) Push(frame, direction);
                }
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

    /// <summary>
    /// A system frame that a cancel made this processor drop unhandled (caller audio queued behind the hang-up): what
    /// must not be lost with it is kept here (the first stage records that audio).
    /// </summary>
    protected virtual void OnDropped(Frame frame, FrameDirection direction)
    {
    }

    /// <summary>Sends a frame to the next processor (downstream) or the previous one (upstream) at once.</summary>
    protected void Push(Frame frame, FrameDirection direction = FrameDirection.Downstream)
    {
        var target = direction == FrameDirection.Downstream ? Next : Previous;
        target?.Enqueue(frame, direction);
    }

    /// <summary>
    /// Sends a frame on once the processor it goes to has room for it: for a stage that makes many frames of one
    /// (tokens of a reply, chunks of a sentence's audio), so a slow stage after it holds it back.
    /// </summary>
    protected ValueTask PushAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        var target = direction == FrameDirection.Downstream ? Next : Previous;
        return target is null ? ValueTask.CompletedTask : target.EnqueueAsync(frame, direction, ct);
    }

    private static bool IsCountedAudio(Frame frame, FrameDirection direction) => frame is InputAudioFrame && direction == FrameDirection.Downstream;

    /// <summary>The frames a cancelled or broken processor still lets through: the call's errors and its end.</summary>
    private static bool Reports(Frame frame) => frame is ErrorFrame or EndFrame or CancelFrame;

    /// <summary>The count a frame joins on this processor if it must wait for room, or null if it never waits (nor after a cancel).</summary>
    private QueueDepth? RoomFor(Frame frame, FrameDirection direction) =>
        direction != FrameDirection.Downstream || _cancelled.IsCancellationRequested ? null
        : frame is InputAudioFrame ? _audio
        : frame is SystemFrame ? null
        : _queued;

    private void StartDataLane()
    {
        var lane = _data.Reader;
        var token = _dataLane.Token;
        _dataTask = Task.Run(async () =>
        {
            try
            {
                while (await lane.WaitToReadAsync(token))
                {
                    if (lane.TryPeek(out var head) && Next?.RoomFor(head.Frame, head.Direction) is { } room) await room.WaitForRoomAsync(token);
                    if (!lane.TryRead(out var item)) continue;
                    _queued.Removed();
                    if (_dataBroken)
                    {
                        if (Reports(item.Frame)) Push(item.Frame, item.Direction);
                        continue;
                    }
                    try
                    {
                        await ProcessFrameAsync(item.Frame, item.Direction, token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        Log.LogError(e, "{Processor} failed on the data lane", Name);
                        _dataBroken = true;
                        Failed?.Invoke(this, e);
                        if (Reports(item.Frame)) Push(item.Frame, item.Direction);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
    }

    private async Task ResetDataLaneAsync(CancellationToken work)
    {
        await _dataLane.CancelAsync();
        await _dataTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _dataLane.Dispose();
        _dataLane = CancellationTokenSource.CreateLinkedTokenSource(work);
        // Drop the queue but keep what must survive an interruption, in order.
        lock (_dataGate)
        {
            var kept = new List<(Frame, FrameDirection)>();
            while (_data.Reader.TryRead(out var item))
            {
                _queued.Removed();
                if (item.Frame is IUninterruptible) kept.Add(item);
            }
            foreach (var item in kept)
            {
                _queued.Added();
                _data.Writer.TryWrite(item);
            }
        }
        StartDataLane();
    }
}
