using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>What the processors of one call share: the agent, the clock, the conversation, metrics and the recording.</summary>
public sealed class CallContext
{
    public CallContext(string callId, string tenantId, Agent agent, TimeProvider time, VoiceOptions options, IClientEvents events, CallRecorder recorder, ILogger log)
    {
        CallId = callId;
        TenantId = tenantId;
        Agent = agent;
        Time = time;
        Options = options;
        Events = events;
        Recorder = recorder;
        Log = log;
        StartedAt = time.GetUtcNow();
        Turns = new TurnTracker(time);
        Conversation = new Conversation(agent.SystemPrompt);
    }

    public string CallId { get; }
    public string TenantId { get; }
    public Agent Agent { get; }
    public TimeProvider Time { get; }
    public VoiceOptions Options { get; }
    public IClientEvents Events { get; }
    public CallRecorder Recorder { get; }
    public ILogger Log { get; }
    public DateTimeOffset StartedAt { get; }
    public TurnTracker Turns { get; }
    public Conversation Conversation { get; }

    /// <summary>Transcript turns with times; lock it to read or write.</summary>
    public List<TranscriptTurn> Transcript { get; } = [];

    /// <summary>Milliseconds since the call started, the timeline of transcripts and the recording.</summary>
    public long ElapsedMs(DateTimeOffset at) => (long)(at - StartedAt).TotalMilliseconds;
}
