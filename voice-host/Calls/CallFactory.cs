using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Knowledge;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Transport;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Builds a call's pipeline: resampler → VAD → turns → call limits (silence, max duration) → STT → interruptions
/// (backchannels, minimum words, false-interruption recovery) → keypad → user
/// context → LLM → sentences → TTS → output transport → assistant context. A new processor goes into this list.
/// </summary>
public sealed class CallFactory(
    ProviderFactory providers, SileroVad vad, VoiceMetrics metrics, ICallSink sink, IOptions<VoiceOptions> options,
    TimeProvider time, ILoggerFactory logs, CallStartedAnnouncer announcer, CallTransfers transfers, IEnumerable<IToolSource> toolSources,
    CallProviderKeys providerKeys, KnowledgeIndexCache knowledgeIndexes, GreetingAudio greetings)
{
    /// <summary>The fatal error a caller is told when a stage crashes.</summary>
    public const string CrashMessage = "Something went wrong on our side; the call will end.";

    /// <summary>After a crash, how long the apology may take before the call ends anyway.</summary>
    public static readonly TimeSpan ApologyLimit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Starts a call on any transport: the browser's <c>/ws</c> or a telephony media stream, each with its socket's
    /// writer. Throws <see cref="CallRefusedException"/> when the agent names a vendor this tenant may not use.
    /// </summary>
    public async Task<Call> StartAsync(CallStart start, Agent agent, ICallTransport transport, CancellationToken aborted)
    {
        // Before anything of the call exists, so a refused call leaves nothing to clean up.
        var keys = await providerKeys.ForCallAsync(start.TenantId, agent, aborted);
        var ownKeyed = new List<object>();
        var o = options.Value;
        var callId = start.CallId ?? ObjectId.GenerateNewId().ToString();
        var outputRate = start.OutputRate;
        var log = logs.CreateLogger("VoiceAgents.Call");
        var recorder = new CallRecorder(Path.Combine(Path.GetTempPath(), "voiceagents-calls"));
        var context = new CallContext(callId, start.TenantId, agent, time, o, recorder, log)
        {
            CampaignId = start.CampaignId,
            PhoneNumber = start.PhoneNumber,
            Variables = start.Variables ?? new Dictionary<string, string>(),
            ProviderCallId = start.ProviderCallId,
            ProviderAccountId = start.ProviderAccountId,
            Transport = start.Transport,
        };
        var ttsProvider = providers.Tts(agent, keys, ownKeyed);
        // First, so the greeting's first audio is made while the rest of the call is built and "ready" is sent.
        var greetingStop = new CancellationTokenSource();
        if (o.PrepareGreeting) context.Greeting = greetings.Prepare(context, ttsProvider, greetingStop.Token);
        var stt = providers.Stt(agent, keys, ownKeyed);
        var tts = new TtsProcessor(context, ttsProvider, outputRate, metrics);
        var crash = new CrashHandling(CrashMessage, CallEndReasons.Error, tts, Apology.Reply(-2, CallEndReasons.Error), ApologyLimit);
        var task = new PipelineTask(
            $"call {callId}", new PipelineBounds(o.PipelineAudioQueue, o.PipelineDataQueue), crash, time, log,
            new ResamplerProcessor(context),
            new VadProcessor(context, vad.NewStream()),
            new TurnProcessor(context),
            new CallLimitProcessor(context, CallEndReasons.Silence, CallEndReasons.MaxDuration),
            new SttProcessor(context, ct => stt.ConnectAsync(agent.Stt, ct), () => IServingProvider.Of(stt, agent.Stt.Provider)),
            new InterruptionProcessor(context),
            new KeypadProcessor(context),
            new UserContextProcessor(context),
            new LlmProcessor(context, providers.Llm(agent, keys, ownKeyed), async ct => await CallTools.CollectAsync(context, toolSources, ct),
                agent.KnowledgeBases.Count > 0 ? new CallKnowledge(knowledgeIndexes, context) : null),
            new SentenceProcessor(context),
            tts,
            new OutputTransport(context, transport, outputRate, metrics),
            new AssistantContextProcessor(context));
        var call = new Call(context, task, transport, sink, metrics, start, transfers);
        // A call that ends before its greeting is played stops the greeting's synthesis.
        _ = call.Ended.ContinueWith(static (_, stop) => ((CancellationTokenSource)stop!).Cancel(), greetingStop, TaskScheduler.Default);
        call.Start(outputRate, aborted);
        announcer.Announce(context, start);
        if (ownKeyed.Count > 0)
        {
            // Providers made on the tenant's keys serve this call only (a pooled vendor socket, say).
            _ = call.Ended.ContinueWith(_ => { foreach (var p in ownKeyed.OfType<IDisposable>()) p.Dispose(); }, TaskScheduler.Default);
        }
        return call;
    }
}
