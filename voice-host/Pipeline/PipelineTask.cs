using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// Runs a pipeline and is the one place that starts and ends it, after Pipecat's <c>PipelineTask</c>. The task is
/// the pipeline's source: frames go in at the head through it (the first stage takes them directly, so caller
/// audio makes no extra hop), and frames going upstream end at the first stage. A <see cref="PipelineSink"/> after
/// the last stage tells it what came through. How it ends:
/// <list type="bullet">
/// <item><b>End</b>: an <see cref="EndFrame"/> that reaches the sink has passed every stage, so what was queued
/// before it has been played; the task ends with its reason.</item>
/// <item><b>Cancel</b>: <see cref="Cancel"/> ends it now (a hang-up, a limit, a shutdown).</item>
/// <item><b>Error</b>: a stage that throws ends it as <see cref="CrashHandling"/> says, after an apology if a voice
/// is left to say it. Errors the caller should hear of are <see cref="ErrorFrame"/>s, which the output transport
/// sends on.</item>
/// </list>
/// Whichever comes first decides <see cref="Ending"/>; then a <see cref="CancelFrame"/> carrying that reason stops
/// each stage as it reaches it (the output transport sends the caller <c>end</c>), and the task has
/// <see cref="Ended"/> once it reaches the sink.
/// </summary>
public sealed class PipelineTask
{
    /// <summary>How long the stages get to pass the cancel to the sink before the task counts as ended anyway.</summary>
    public static readonly TimeSpan CancelAllowance = TimeSpan.FromSeconds(2);

    private readonly Pipeline _pipeline;
    private readonly FrameProcessor[] _stages;
    private readonly CrashHandling? _crash;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _name;
    private readonly TaskCompletionSource<string> _ending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _crashed;
    private ITimer? _replyLimit;
    private ITimer? _allowance;
    private volatile Exception? _failure;

    /// <param name="name">What the logs call it (the call's id).</param>
    /// <param name="bounds">How many audio and data frames may wait on each stage.</param>
    /// <param name="crash">How a crash ends the task; without it a crash cancels it with reason <c>error</c>.</param>
    /// <param name="time">The clock of the crash reply's limit and the cancel's allowance.</param>
    /// <param name="log">Where crashes are logged.</param>
    /// <param name="stages">The stages, head first.</param>
    public PipelineTask(string name, PipelineBounds bounds, CrashHandling? crash, TimeProvider time, ILogger log, params FrameProcessor[] stages)
    {
        _name = name;
        _stages = stages;
        _crash = crash;
        _time = time;
        _log = log;
        _pipeline = new Pipeline(bounds, Failed, [.. stages, new PipelineSink(Reached)]);
    }

    /// <summary>The stages, head first, without the sink.</summary>
    public IReadOnlyList<FrameProcessor> Processors => _stages;

    /// <summary>Completes with the reason the task ends for, as soon as that is decided.</summary>
    public Task<string> Ending => _ending.Task;

    /// <summary>Completes once the cancel has gone through every stage (or its allowance ran out).</summary>
    public Task Ended => _ended.Task;

    /// <summary>What made a stage throw, when a crash ended the task.</summary>
    public Exception? Failure => _failure;

    public void Start(StartFrame start) => _pipeline.Start(start);

    /// <summary>Puts a frame in at the head, going downstream, at once.</summary>
    public void Queue(Frame frame) => _pipeline.Enqueue(frame);

    /// <summary>Puts a frame in at the head once the first stage has room for it: how a transport feeds caller audio.</summary>
    public ValueTask QueueAsync(Frame frame, CancellationToken ct) => _pipeline.EnqueueAsync(frame, ct);

    /// <summary>Ends the task now for <paramref name="reason"/>, unless its end is already decided.</summary>
    public void Cancel(string reason)
    {
        if (!_ending.TrySetResult(reason)) return;
        _pipeline.Enqueue(new CancelFrame(reason));
        _allowance = _time.CreateTimer(_ => _ended.TrySetResult(), null, CancelAllowance, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops every stage at once (after <see cref="Ended"/>, or to abandon the task); what is queued is dropped.</summary>
    public async Task StopAsync()
    {
        if (_replyLimit is not null) await _replyLimit.DisposeAsync();
        if (_allowance is not null) await _allowance.DisposeAsync();
        await _pipeline.StopAsync();
    }

    private void Reached(Frame frame)
    {
        if (frame is EndFrame end) Cancel(end.Reason);
        else if (frame is CancelFrame) _ended.TrySetResult();
    }

    private void Failed(FrameProcessor failed, Exception e)
    {
        var reason = _crash?.Reason ?? "error";
        if (Interlocked.Exchange(ref _crashed, 1) == 1 || _ending.Task.IsCompleted)
        {
            Cancel(reason);
            return;
        }
        _failure = e;
        _log.LogError(e, "{Processor} crashed in {Task}; ending it", failed.Name, _name);
        if (_crash is not { } crash || failed.Next is not { } next)
        {
            Cancel(reason);
            return;
        }
        // Into the stage after the failed one, as if it had said it: the error, then the apology and the end.
        next.Enqueue(new ErrorFrame(crash.Message, Fatal: true), FrameDirection.Downstream);
        var at = Array.IndexOf(_stages, failed);
        if (at < 0 || crash.Voice is null || Array.IndexOf(_stages, crash.Voice) <= at)
        {
            Cancel(reason);
            return;
        }
        foreach (var frame in crash.Reply) next.Enqueue(frame, FrameDirection.Downstream);
        _replyLimit = _time.CreateTimer(_ => Cancel(reason), null, crash.ReplyLimit, Timeout.InfiniteTimeSpan);
    }
}
