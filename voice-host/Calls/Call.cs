using System.Diagnostics;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// One caller's call: its pipeline task, its transport's writer, and what happens when it ends. The task decides
/// the end (<see cref="PipelineTask"/>); the call closes the socket and hands the record to the sink.
/// </summary>
public sealed class Call : IAsyncDisposable
{
    private readonly CallContext _context;
    private readonly PipelineTask _task;
    private readonly ICallTransport _transport;
    private readonly ICallSink _sink;
    private readonly VoiceMetrics _metrics;
    private readonly CallStart _start;
    private readonly CallTransfers _transfers;
    private readonly CancellationTokenSource _cts = new();
    private readonly AudioBudget _budget;
    private Task _writing = Task.CompletedTask;
    private ITimer? _maxDuration;
    private (int Code, string Reason)? _failure;
    private long _audioIn;
    private Activity? _activity;

    internal Call(CallContext context, PipelineTask task, ICallTransport transport, ICallSink sink, VoiceMetrics metrics, CallStart start, CallTransfers transfers)
    {
        _transfers = transfers;
        _context = context;
        _task = task;
        _transport = transport;
        _sink = sink;
        _metrics = metrics;
        _start = start;
        _budget = new AudioBudget(context.Time, context.Options.AudioBurst);
    }

    public CallContext Context => _context;

    /// <summary>The call's stages, head first: their queue depths show where it is held up.</summary>
    public IReadOnlyList<FrameProcessor> Processors => _task.Processors;

    /// <summary>Caller audio messages the transport has handed over so far.</summary>
    public long AudioIn => Interlocked.Read(ref _audioIn);

    /// <summary>Completes with the end reason as soon as the call's end is decided: the transport stops reading then.</summary>
    public Task<string> Ended => _task.Ending;

    internal void Start(int outputRate, CancellationToken aborted)
    {
        // The call's span: a child of the /ws request (and so of the caller's traceparent, if it sent one); the
        // pipeline's vendor requests run under it, and its id travels on with the finished call.
        _activity = Tracing.Source.StartActivity("voice.call", ActivityKind.Server);
        _activity?.SetTag(Tracing.CallIdTag, _context.CallId).SetTag("tenant_id", _context.TenantId).SetTag("agent_id", _context.Agent.Id);
        _metrics.CallStarted();
        _writing = _transport.RunAsync(CancellationToken.None);
        _task.Ending.ContinueWith(static (_, cts) => ((CancellationTokenSource)cts!).Cancel(), _cts, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _maxDuration = _context.Time.CreateTimer(_ => Finish(CallEndReasons.MaxDuration), null, HardLimit(), Timeout.InfiniteTimeSpan);
        aborted.Register(() => Finish("caller_disconnected"));
        // The output transport answers the start with "ready".
        _task.Start(new StartFrame(ResamplerProcessor.PipelineRate, outputRate));
    }

    /// <summary>
    /// The longest the call may last, whatever it is doing: the platform's <c>Voice:MaxCallDuration</c>, or sooner
    /// the agent's <c>max_duration_s</c> plus <see cref="ClosingAllowance"/> (the pipeline ends it at
    /// <c>max_duration_s</c> itself, after the reply in progress and the closing line).
    /// </summary>
    private TimeSpan HardLimit()
    {
        var platform = _context.Options.MaxCallDuration;
        return _context.Agent.MaxDurationS is > 0 and var s && TimeSpan.FromSeconds(s) + ClosingAllowance < platform
            ? TimeSpan.FromSeconds(s) + ClosingAllowance
            : platform;
    }

    /// <summary>How long the closing line of an agent's maximum duration (and the reply before it) may take before the call is cut.</summary>
    public static readonly TimeSpan ClosingAllowance = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The caller pressed a key (a DTMF tone from a phone's keypad); keys in a row become one turn of caller input.
    /// False, and nothing happens, for anything but <c>0</c>-<c>9</c>, <c>*</c> and <c>#</c>.
    /// </summary>
    public bool PressKey(char digit)
    {
        if (!KeypadInput.IsDigit(digit)) return false;
        if (!Ended.IsCompleted) _task.Queue(new KeypadFrame(digit, _context.Time.GetUtcNow()));
        return true;
    }

    /// <summary>
    /// Feeds caller audio into the pipeline, waiting while its first stage is full (so the transport stops reading
    /// the socket). Audio beyond real time plus the burst allowance fails the call (close code 4429). False when the
    /// call is over and the transport should stop.
    /// </summary>
    public async ValueTask<bool> PushAudioAsync(AudioChunk audio)
    {
        if (Ended.IsCompleted) return false;
        if (!_budget.TryTake(audio.Duration))
        {
            await FailAsync(CloseCodes.AudioTooFast,
                $"audio arrived faster than real time (more than {_budget.Burst.TotalSeconds:0.#} s ahead)", CallEndReasons.AudioTooFast);
            return false;
        }
        try
        {
            await _task.QueueAsync(new InputAudioFrame(audio, _context.Time.GetUtcNow()), _cts.Token);
            Interlocked.Increment(ref _audioIn);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Ends the call for a reason (the caller ended, a limit was reached, a shutdown), unless its end is already decided.</summary>
    public void Finish(string reason) => _task.Cancel(reason);

    public Task EndAsync(string reason)
    {
        Finish(reason);
        return Task.CompletedTask;
    }

    /// <summary>Ends the call because the caller broke the protocol: a fatal error, then a close with the code.</summary>
    public Task FailAsync(int code, string reason, string endReason = CallEndReasons.ProtocolError)
    {
        if (Ended.IsCompleted) return Task.CompletedTask;
        _failure = (code, reason);
        _task.Queue(new ErrorFrame(reason, Fatal: true));
        Finish(endReason);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Redirects the phone call to the destination <c>transfer_call</c> asked for, once the agent's hand-off line has
    /// been played: only when the agent ended the call (not a hang-up, a failure or a shutdown).
    /// </summary>
    private async Task<bool> TransferAsync(string reason)
    {
        if (_context.PendingTransfer is not { } destination || _context.ProviderCallId is not { } providerCallId) return false;
        if (_failure is not null || _task.Failure is not null
            || reason is "caller_hung_up" or "caller_disconnected" or "caller_ended" or CallEndReasons.Shutdown) return false;
        if (!await _transfers.RedirectAsync(_context, providerCallId, destination, CancellationToken.None)) return false;
        _context.TransferredTo = destination.Name;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        Finish("caller_disconnected");
        var reason = await _task.Ending;
        await _task.Ended;
        if (_maxDuration is not null) await _maxDuration.DisposeAsync();
        await _task.StopAsync();
        // Before the stream closes: a media stream that closes first ends the phone call with it.
        if (await TransferAsync(reason)) reason = CallEndReasons.Transferred;
        _transport.Complete();
        await _writing.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // A crash closes with 1011 (the caller heard why from the error); the call goes to post-call processing like any other.
        _failure ??= _task.Failure is null ? null : (CloseCodes.InternalError, "voice-host hit an internal error");
        var (code, text) = _failure ?? (CloseCodes.Normal, reason);
        await _transport.CloseAsync(code, text);
        _metrics.CallEnded();
        var status = _failure is null ? CallStatus.Completed : CallStatus.Failed;
        _metrics.CountEnded(status, reason);
        _activity?.SetTag("end_reason", reason);
        if (status == CallStatus.Failed) _activity?.SetStatus(ActivityStatusCode.Error, reason);

        var ended = _context.Time.GetUtcNow();
        _metrics.CallDuration.Record((ended - _context.StartedAt).TotalSeconds);
        _context.Recorder.LimitTo(ended - _context.StartedAt);
        List<TranscriptTurn> transcript;
        lock (_context.Transcript) transcript = _context.Transcript.OrderBy(t => t.StartMs).ToList();
        var record = new CallCompleted(
            _context.CallId, _context.SessionId, _context.TenantId, _context.Agent.Id, _start.CampaignId, _start.PhoneNumber,
            _context.StartedAt, ended, reason, status,
            transcript, _context.Turns.Reports.ToList(), _activity?.Id, _start.Attempt,
            _context.Variables.Count == 0 ? null : _context.Variables, _context.TransferredTo,
            _context.Usage.Snapshot(_context.Transport, ended - _context.StartedAt));
        try
        {
            await _sink.AcceptAsync(record, _context.Recorder.WriteWavAsync, CancellationToken.None);
        }
        finally
        {
            await _context.Recorder.DisposeAsync();
            _cts.Dispose();
            _activity?.Dispose();
        }
    }
}
