using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// What the processors of one call share: the agent, the clock, the conversation, metrics, the transcript and the
/// recording. Nothing here reaches the caller: that is the output transport's job.
/// </summary>
public sealed class CallContext
{
    public CallContext(string callId, string tenantId, Agent agent, TimeProvider time, VoiceOptions options, CallRecorder recorder, ILogger log)
    {
        CallId = callId;
        TenantId = tenantId;
        Agent = agent;
        Time = time;
        Options = options;
        Recorder = recorder;
        Log = log;
        StartedAt = time.GetUtcNow();
        Turns = new TurnTracker(time);
        Conversation = new Conversation(agent.SystemPrompt);
    }

    public string CallId { get; }

    /// <summary>This connection's id, which the caller is given in <c>ready</c>.</summary>
    public string SessionId { get; init; } = Guid.NewGuid().ToString("N");

    public string TenantId { get; }
    public Agent Agent { get; }

    /// <summary>The campaign that placed this call, if any.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The other party's number on a phone call (the callee, or the inbound caller); null in the browser.</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>The call's variables (campaign contact, inbound number, <c>/ws</c> auth message), within <c>CallVariables</c>' limits.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    public TimeProvider Time { get; }
    public VoiceOptions Options { get; }
    public CallRecorder Recorder { get; }
    public ILogger Log { get; }
    public DateTimeOffset StartedAt { get; }
    public TurnTracker Turns { get; }
    public Conversation Conversation { get; }

    /// <summary>Transcript turns with times; lock it to read or write.</summary>
    public List<TranscriptTurn> Transcript { get; } = [];

    /// <summary>Milliseconds since the call started, the timeline of transcripts and the recording.</summary>
    public long ElapsedMs(DateTimeOffset at) => (long)(at - StartedAt).TotalMilliseconds;

    /// <summary>
    /// Adds a transcript turn, with times on the call's timeline (ending now unless <paramref name="endedAt"/> says
    /// otherwise); a <c>tool</c> turn carries its call in <paramref name="tool"/>.
    /// </summary>
    public void AddTranscript(string speaker, string text, DateTimeOffset startedAt, DateTimeOffset? endedAt = null, ToolCallRecord? tool = null)
    {
        var end = endedAt ?? Time.GetUtcNow();
        lock (Transcript)
        {
            Transcript.Add(new TranscriptTurn
            {
                Speaker = speaker,
                Text = text,
                StartMs = Math.Max(0, ElapsedMs(startedAt)),
                EndMs = Math.Max(0, ElapsedMs(end)),
                Tool = tool,
            });
        }
    }
}
