using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

public sealed class Agent : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    public string SystemPrompt { get; set; } = "";
    public string? FirstMessage { get; set; }
    public string Language { get; set; } = "en-US";
    public LlmConfig Llm { get; set; } = new();
    public SttConfig Stt { get; set; } = new();
    public TtsConfig Tts { get; set; } = new();
    public List<AgentRule> Rules { get; set; } = [];
    public string? FallbackLine { get; set; }
    /// <summary>What a phone call does when an answering machine picks up.</summary>
    public VoicemailSettings? Voicemail { get; set; }
    /// <summary>Tools the LLM (or a rule) may call during the call, besides the built-ins <c>end_call</c> and <c>transfer_call</c>.</summary>
    public List<AgentTool> Tools { get; set; } = [];
    /// <summary>Where <c>transfer_call</c> may hand a phone caller; empty means the agent cannot transfer.</summary>
    public List<TransferDestination> TransferDestinations { get; set; } = [];
    /// <summary>What the agent does when the caller says nothing; null means the platform's defaults.</summary>
    public SilenceSettings? Silence { get; set; }
    /// <summary>When the caller's speech stops the agent (minimum words and duration, backchannels, false-interruption recovery); null means the platform's defaults.</summary>
    public InterruptionSettings? Interruption { get; set; }
    /// <summary>When the caller's turn ends (a fixed silence, or adaptive to the interim transcript); null means a fixed silence of the platform's length.</summary>
    public TurnSettings? Turn { get; set; }
    /// <summary>Knowledge bases the agent answers from (issue 15).</summary>
    public List<AgentKnowledgeBase> KnowledgeBases { get; set; } = [];
    /// <summary>What the post-call analysis of each call produces; null means no analysis (issue 15).</summary>
    public Analysis.AnalysisSettings? Analysis { get; set; }
    /// <summary>The longest a call may last, in seconds; null means the platform's limit.</summary>
    public int? MaxDurationS { get; set; }
    /// <summary>Said before a call ends for <see cref="MaxDurationS"/>.</summary>
    public string? MaxDurationMessage { get; set; }
    /// <summary>IANA time zone of the built-in <c>now</c> variable (default UTC).</summary>
    public string? TimeZone { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class LlmConfig
{
    public string Provider { get; set; } = "rules";
    public string? Model { get; set; }
    public double? Temperature { get; set; }

    /// <summary>Used while the primary's circuit breaker is open or it keeps failing.</summary>
    public string? FallbackProvider { get; set; }
    public string? FallbackModel { get; set; }
}

public sealed class SttConfig
{
    public string Provider { get; set; } = "local";
    public string? Language { get; set; }
    public string? FallbackProvider { get; set; }
}

public sealed class TtsConfig
{
    public string Provider { get; set; } = "local";
    public string? Voice { get; set; }
    public double? Speed { get; set; }
    public string? FallbackProvider { get; set; }
    public string? FallbackVoice { get; set; }
}

/// <summary>
/// One rule of the offline <c>rules</c> LLM: when the user's words match (<see cref="Match"/>, or
/// <see cref="MatchRegex"/> with named groups, or keypad digits <see cref="Dtmf"/>), optionally call a tool, then
/// say the reply. <see cref="Reply"/> and the tool's argument values are Liquid templates over the captures
/// (<c>match.name</c>), the call's variables and the tool's result (<c>tool.result...</c>).
/// </summary>
public sealed class AgentRule
{
    /// <summary>Words to find in what the caller said (or <c>/regex/</c>, or <c>*</c>); one of Match, MatchRegex and Dtmf is set.</summary>
    public string? Match { get; set; }
    /// <summary>A .NET regular expression (case-insensitive) whose named groups become <c>match.&lt;name&gt;</c>.</summary>
    public string? MatchRegex { get; set; }
    /// <summary>Keypad digits to match exactly (<c>*</c> for any digits); the digits are <c>match.digits</c>.</summary>
    public string? Dtmf { get; set; }
    /// <summary>A Liquid template; empty when <see cref="ReplyFromKnowledge"/>.</summary>
    public string Reply { get; set; } = "";
    /// <summary>Instead of <see cref="Reply"/>, speak the most relevant sentence or two of the agent's knowledge bases' best chunk.</summary>
    public bool ReplyFromKnowledge { get; set; }
    public bool HangUp { get; set; }
    /// <summary>A tool to call before replying.</summary>
    public RuleToolCall? Call { get; set; }
}

/// <summary>A rule's tool call: the tool's name and its arguments, each value a Liquid template.</summary>
public sealed class RuleToolCall
{
    public required string Tool { get; set; }
    public Dictionary<string, string> Arguments { get; set; } = [];
}

/// <summary>
/// Answering machines on phone calls: with <see cref="MachineDetection"/> the provider tells who answered, and on a
/// machine the call hangs up or, with <see cref="VoicemailActions.LeaveMessage"/>, says <see cref="Message"/> after the beep.
/// </summary>
public sealed class VoicemailSettings
{
    public bool MachineDetection { get; set; }
    public string Action { get; set; } = VoicemailActions.HangUp;
    public string? Message { get; set; }
}

public static class VoicemailActions
{
    public const string HangUp = "hang_up";
    public const string LeaveMessage = "leave_message";
    public static readonly string[] All = [HangUp, LeaveMessage];
}
