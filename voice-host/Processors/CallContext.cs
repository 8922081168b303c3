using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
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

    /// <summary>The telephony provider's id of a phone call (Twilio's CallSid); null in the browser.</summary>
    public string? ProviderCallId { get; init; }

    /// <summary>The telephony account the phone call is on (Twilio's AccountSid: the platform's or the tenant's own); null in the browser.</summary>
    public string? ProviderAccountId { get; init; }

    /// <summary>
    /// The destination <c>transfer_call</c> asked for: once the agent's hand-off line is played and the call ends,
    /// the call is redirected there. The first request wins.
    /// </summary>
    public TransferDestination? PendingTransfer => Volatile.Read(ref _pendingTransfer);
    private TransferDestination? _pendingTransfer;

    /// <summary>Asks for the call to be handed to <paramref name="destination"/> when it ends; false when a transfer was already asked for.</summary>
    public bool RequestTransfer(TransferDestination destination) => Interlocked.CompareExchange(ref _pendingTransfer, destination, null) is null;

    /// <summary>The destination's name once the call was redirected there.</summary>
    public string? TransferredTo { get; set; }

    /// <summary>
    /// The first message, rendered and its first audio under way while the call was set up; set before the pipeline
    /// starts. Null when the agent has none, or the call was made without one (the first message is then rendered as it starts).
    /// </summary>
    public PreparedGreeting? Greeting { get; set; }

    public TimeProvider Time { get; }
    public VoiceOptions Options { get; }
    public CallRecorder Recorder { get; }
    public ILogger Log { get; }
    public DateTimeOffset StartedAt { get; }
    public TurnTracker Turns { get; }

    /// <summary>What the call uses (STT audio, LLM tokens, TTS characters), counted as it goes, for billing.</summary>
    public CallUsageMeter Usage { get; } = new();

    /// <summary>How the caller is connected, the key of the call's minutes: <c>websocket</c> (the browser's <c>/ws</c>) or <c>twilio</c>.</summary>
    public string Transport { get; init; } = CallStart.WebSocketTransport;

    /// <summary>
    /// The conversation, opened with the system prompt rendered over the call's variables: made on first use, once
    /// the call's init properties (its variables, campaign and number) are set.
    /// </summary>
    public Conversation Conversation => LazyInitializer.EnsureInitialized(ref _conversation, () => new Conversation(CallTemplateModel.Render(this, Agent.SystemPrompt)));
    private Conversation? _conversation;

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
