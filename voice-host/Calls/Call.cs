using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>Builds a call's pipeline: input → resampler → VAD → turns → STT → user context → LLM → sentences → TTS → output → assistant context.</summary>
public sealed class CallFactory(
    ProviderFactory providers, SileroVad vad, VoiceMetrics metrics, ICallSink sink, IOptions<VoiceOptions> options,
    TimeProvider time, ILoggerFactory logs, CallStartedAnnouncer announcer)
{
    public Task<Call> StartAsync(AuthMessage auth, TokenIdentity identity, Agent agent, WebSocket socket, SocketWriter writer, CancellationToken aborted) =>
        StartAsync(new CallStart(null, identity.TenantId, auth.SampleRate ?? 16000, auth.CampaignId, auth.PhoneNumber), agent, socket, writer, aborted);

    /// <summary>Starts a call on any transport: the browser's <c>/ws</c> or a telephony media stream.</summary>
    public async Task<Call> StartAsync(CallStart start, Agent agent, WebSocket socket, ICallTransport writer, CancellationToken aborted)
    {
        var o = options.Value;
        var callId = start.CallId ?? ObjectId.GenerateNewId().ToString();
        var sessionId = Guid.NewGuid().ToString("N");
        var outputRate = start.OutputRate;
        var log = logs.CreateLogger("VoiceAgents.Call");
        var recorder = new CallRecorder(Path.Combine(Path.GetTempPath(), "voiceagents-calls"));
        var context = new CallContext(callId, start.TenantId, agent, time, o, writer, recorder, log);
        var stt = providers.Stt(agent);
        var call = new Call(context, socket, writer, sink, metrics, start, sessionId);
        var pipeline = new Pipeline.Pipeline(
            new ResamplerProcessor(context),
            new VadProcessor(context, vad.NewStream()),
            new TurnProcessor(context),
            new SttProcessor(context, ct => stt.ConnectAsync(agent.Stt, ct)),
            new UserContextProcessor(context),
            new LlmProcessor(context, providers.Llm(agent)),
            new SentenceProcessor(context),
            new TtsProcessor(context, providers.Tts(agent), outputRate, metrics),
            new OutputProcessor(context, outputRate, metrics, call.Finish),
            new AssistantContextProcessor(context));
        await call.StartAsync(pipeline, outputRate, aborted);
        announcer.Announce(context, start);
        return call;
    }
}

/// <summary>What a transport knows of a call as it starts. A null <paramref name="CallId"/> gets a new one.</summary>
public sealed record CallStart(string? CallId, string TenantId, int OutputRate, string? CampaignId, string? PhoneNumber, int Attempt = 1);

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
    private (int Code, string Reason)? _failure;
    private Activity? _activity;

    internal Call(CallContext context, WebSocket socket, ICallTransport writer, ICallSink sink, VoiceMetrics metrics, CallStart start, string sessionId)
    {
        _context = context;
        _socket = socket;
        _writer = writer;
        _sink = sink;
        _metrics = metrics;
        _start = start;
        _sessionId = sessionId;
    }

    public CallContext Context => _context;
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

    public void PushAudio(AudioChunk audio) => _pipeline?.Enqueue(new InputAudioFrame(audio));

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
    public Task FailAsync(int code, string reason)
    {
        _failure = (code, reason);
        _writer.Send(new ErrorEvent(reason, true));
        Finish("protocol_error");
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Finish("caller_disconnected");
        var reason = await _ended.Task;
        if (_maxDuration is not null) await _maxDuration.DisposeAsync();
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
