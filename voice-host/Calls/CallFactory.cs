using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
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
            new PipelineBounds(o.PipelineAudioQueue, o.PipelineDataQueue), call.ProcessorFailed,
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
