using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Endpoints;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>One caller's call: its pipeline, its socket writer, and what happens when it ends.</summary>
public sealed class Call : IAsyncDisposable
{
    private readonly CallContext _context;
    private readonly WebSocket _socket;
    private readonly ICallTransport _writer;
    private readonly ICallSink _sink;
    private readonly VoiceMetrics _metrics;
    private readonly CallStart _start;
    private readonly string _sessionId;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Pipeline.Pipeline? _pipeline;
    private Task _writing = Task.CompletedTask;
    private ITimer? _maxDuration;
    private readonly AudioBudget _budget;
    private (int Code, string Reason)? _failure;
    private int _crashed;
    private ITimer? _apologyLimit;
    private long _audioIn;
    private Activity? _activity;

    /// <summary>After a crash, how long the apology may take before the call ends anyway.</summary>
    public static readonly TimeSpan ApologyLimit = TimeSpan.FromSeconds(20);

    internal Call(CallContext context, WebSocket socket, ICallTransport writer, ICallSink sink, VoiceMetrics metrics, CallStart start, string sessionId)
    {
        _context = context;
        _socket = socket;
        _writer = writer;
        _sink = sink;
        _metrics = metrics;
        _start = start;
        _sessionId = sessionId;
        _budget = new AudioBudget(context.Time, context.Options.AudioBurst);
    }

    public CallContext Context => _context;

    /// <summary>The call's stages, head first (empty before it starts): their queue depths show where it is held up.</summary>
    public IReadOnlyList<FrameProcessor> Processors => _pipeline?.Processors ?? [];

    /// <summary>Caller audio messages the transport has handed over so far.</summary>
    public long AudioIn => Interlocked.Read(ref _audioIn);
    public Task<string> Ended => _ended.Task;
    public CancellationToken Token => _cts.Token;

    internal Task StartAsync(Pipeline.Pipeline pipeline, int outputRate, CancellationToken aborted)
    {
        _pipeline = pipeline;
        // The call's span: a child of the /ws request (and so of the caller's traceparent, if it sent one); the
        // pipeline's vendor requests run under it, and its id travels on with the finished call.
        _activity = Tracing.Source.StartActivity("voice.call", ActivityKind.Server);
        _activity?.SetTag(Tracing.CallIdTag, _context.CallId).SetTag("tenant_id", _context.TenantId).SetTag("agent_id", _context.Agent.Id);
        _metrics.CallStarted();
        _writing = _writer.RunAsync(CancellationToken.None);
        _writer.Send(new ReadyEvent(_sessionId, _context.CallId, outputRate));
        _maxDuration = _context.Time.CreateTimer(_ => Finish("max_duration"), null, _context.Options.MaxCallDuration, Timeout.InfiniteTimeSpan);
        aborted.Register(() => Finish("caller_disconnected"));
        pipeline.Start(new StartFrame(ResamplerProcessor.PipelineRate, outputRate));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Feeds caller audio into the pipeline, waiting while its first stage is full (so the transport stops reading
    /// the socket). Audio beyond real time plus the burst allowance fails the call (close code 4429). False when the
    /// call is over and the transport should stop.
    /// </summary>
    public async ValueTask<bool> PushAudioAsync(AudioChunk audio)
    {
        if (_ended.Task.IsCompleted) return false;
        if (!_budget.TryTake(audio.Duration))
        {
            await FailAsync(CloseCodes.AudioTooFast,
                $"audio arrived faster than real time (more than {_budget.Burst.TotalSeconds:0.#} s ahead)", CallEndReasons.AudioTooFast);
            return false;
        }
        if (_pipeline is null) return true;
        try
        {
            await _pipeline.EnqueueAsync(new InputAudioFrame(audio), _cts.Token);
            Interlocked.Increment(ref _audioIn);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Ends the call for a reason (the agent hung up, the caller ended, a limit was reached).</summary>
    public void Finish(string reason)
    {
        if (_ended.TrySetResult(reason)) _cts.Cancel();
    }

    public Task EndAsync(string reason)
    {
        Finish(reason);
        return Task.CompletedTask;
    }

    /// <summary>Ends the call because the caller broke the protocol: an error event, then a close with the code.</summary>
    public Task FailAsync(int code, string reason, string endReason = CallEndReasons.ProtocolError)
    {
        if (_ended.Task.IsCompleted) return Task.CompletedTask;
        _failure = (code, reason);
        _writer.Send(new ErrorEvent(reason, true));
        Finish(endReason);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A processor's lane threw: the one place a crash is handled. The caller gets a fatal <c>error</c>; if the
    /// stages after the failed one include the voice (TTS and output), they speak the apology and then end the call
    /// with reason <c>error</c>; otherwise, or if the apology takes too long or something fails again, it ends at
    /// once. The close code is 1011, and the call goes to post-call processing like any other.
    /// </summary>
    internal void ProcessorFailed(FrameProcessor failed, Exception e)
    {
        if (Interlocked.Exchange(ref _crashed, 1) == 1 || _ended.Task.IsCompleted || _pipeline is not { } pipeline)
        {
            Finish(CallEndReasons.Error);
            return;
        }
        _context.Log.LogError(e, "{Processor} crashed in call {CallId}; ending the call", failed.Name, _context.CallId);
        _failure = (CloseCodes.InternalError, "voice-host hit an internal error");
        _writer.Send(new ErrorEvent("Something went wrong on our side; the call will end.", true));
        var processors = pipeline.Processors;
        var at = -1;
        var voice = -1;
        for (var i = 0; i < processors.Count; i++)
        {
            if (processors[i] == failed) at = i;
            if (voice < 0 && processors[i] is TtsProcessor) voice = i;
        }
        if (at < 0 || voice <= at)
        {
            Finish(CallEndReasons.Error);
            return;
        }
        // Into the stage after the failed one, as if it had said it: a reply of one sentence, then the end.
        var next = processors[at + 1];
        next.Enqueue(new LlmResponseStartFrame(), FrameDirection.Downstream);
        next.Enqueue(new TextFrame(Apology.Text, -2), FrameDirection.Downstream);
        next.Enqueue(new LlmResponseEndFrame(), FrameDirection.Downstream);
        next.Enqueue(new EndFrame(CallEndReasons.Error), FrameDirection.Downstream);
        _apologyLimit = _context.Time.CreateTimer(_ => Finish(CallEndReasons.Error), null, ApologyLimit, Timeout.InfiniteTimeSpan);
    }

    public async ValueTask DisposeAsync()
    {
        Finish("caller_disconnected");
        var reason = await _ended.Task;
        if (_maxDuration is not null) await _maxDuration.DisposeAsync();
        if (_apologyLimit is not null) await _apologyLimit.DisposeAsync();
        if (_pipeline is not null) await _pipeline.StopAsync();
        _writer.Send(new EndEvent(reason));
        _writer.Complete();
        await _writing.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var (code, text) = _failure ?? (CloseCodes.Normal, reason);
        await VoiceSocket.CloseAsync(_socket, code, text);
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
            _context.CallId, _sessionId, _context.TenantId, _context.Agent.Id, _start.CampaignId, _start.PhoneNumber,
            _context.StartedAt, ended, reason, status,
            transcript, _context.Turns.Reports.ToList(), _activity?.Id, _start.Attempt);
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
