using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.VoiceHost.Pipeline;

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

/// <summary>The messages of a call, as the LLM sees them. User and assistant turns are appended as they happen.</summary>
public sealed class Conversation(string systemPrompt)
{
    private readonly Lock _gate = new();
    private readonly List<ChatMessage> _messages = string.IsNullOrWhiteSpace(systemPrompt) ? [] : [new ChatMessage(ChatMessage.System, systemPrompt)];

    public void Add(string role, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        lock (_gate)
        {
            // Sentences of one reply become one assistant message.
            if (_messages.Count > 0 && _messages[^1].Role == role && role == ChatMessage.Assistant)
            {
                _messages[^1] = _messages[^1] with { Content = _messages[^1].Content + " " + text.Trim() };
            }
            else
            {
                _messages.Add(new ChatMessage(role, text.Trim()));
            }
        }
    }

    public IReadOnlyList<ChatMessage> Snapshot()
    {
        lock (_gate) return _messages.ToArray();
    }
}
