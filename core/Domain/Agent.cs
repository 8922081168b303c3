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

/// <summary>One rule of the offline <c>rules</c> LLM: when the user's words match, say the reply.</summary>
public sealed class AgentRule
{
    public required string Match { get; set; }
    public required string Reply { get; set; }
    public bool HangUp { get; set; }
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
