using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>Every stored document belongs to exactly one tenant, and every query filters on it.</summary>
public interface ITenantOwned
{
    string TenantId { get; }
}

public sealed class Tenant
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string Name { get; set; } = default!;
    /// <summary>Kept beside the users so "never remove the last admin" is one atomic update.</summary>
    public int AdminCount { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Outbound calls the dialer has placed and not yet seen end: the tenant's concurrency slots.</summary>
    public int ActiveCalls { get; set; }
    /// <summary>The tenant's cap on concurrent calls; null takes <c>CallSlots:TenantMaxConcurrentCalls</c> (10); voice-host and the dialer both enforce it.</summary>
    public int? MaxConcurrentCalls { get; set; }
    /// <summary>The tenant's calls-per-second limit; null takes <c>Dialer:TenantCallsPerSecond</c> (1).</summary>
    public double? CallsPerSecond { get; set; }
    /// <summary>The earliest time the dialer may place the tenant's next call (the rate limit, one atomic update).</summary>
    public DateTime? NextDialAt { get; set; }

    /// <summary>
    /// The tenant's webhooks, kept beside the tenant so the cap (<c>Webhooks:MaxPerTenant</c>) is one conditional
    /// <c>$inc</c>. Null for a tenant from before the cap, until its first new webhook counts the existing ones.
    /// </summary>
    public int? WebhookCount { get; set; }
}

public static class Roles
{
    public const string Admin = "admin";
    public const string User = "user";
    public static readonly string[] All = [Admin, User];
}

public sealed class User : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string Email { get; set; } = default!;
    public string Name { get; set; } = default!;
    public string Role { get; set; } = Roles.User;
    public string PasswordHash { get; set; } = default!;
    /// <summary>
    /// Bumped by a demotion or a password change; access tokens carry the version they were issued at and are refused
    /// once it moves on. A user stored before it existed reads as 0.
    /// </summary>
    public int TokenVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class RefreshToken : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string UserId { get; set; } = default!;
    public string TokenHash { get; set; } = default!;
    public string FamilyId { get; set; } = default!;
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>A fixed window of attempts at an anonymous auth endpoint (logins per IP and email, signups per IP).</summary>
public sealed class LoginAttemptWindow
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string Key { get; set; } = default!;
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>
/// The latest failed logins of one account (at most the limit, oldest first), from any address: the limit holds in
/// any 15 minutes, and a window that passes frees the account again.
/// </summary>
public sealed class LoginFailureLog
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    /// <summary>A hash of the normalised email, so the collection does not list who is being attacked.</summary>
    public string Key { get; set; } = default!;
    public List<LoginFailure> Failures { get; set; } = [];
    public DateTime ExpiresAt { get; set; }
}

/// <summary>One counted failure; <see cref="Token"/> lets a login that turns out right take back its own entry.</summary>
public sealed class LoginFailure
{
    public DateTime At { get; set; }
    public string Token { get; set; } = default!;
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
    public string Match { get; set; } = default!;
    public string Reply { get; set; } = default!;
    public bool HangUp { get; set; }
}

public sealed class Agent : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string UserId { get; set; } = default!;
    public string Name { get; set; } = default!;
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

public static class VoicemailActions
{
    public const string HangUp = "hang_up";
    public const string LeaveMessage = "leave_message";
    public static readonly string[] All = [HangUp, LeaveMessage];
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

public enum CampaignStatus
{
    Draft,
    Running,
    Paused,
    Completed,
    Cancelled,
}

public sealed class Campaign : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string Name { get; set; } = default!;
    public string AgentId { get; set; } = default!;
    public List<string> PhoneNumbers { get; set; } = [];
    [BsonRepresentation(BsonType.String)] public CampaignStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The dialer's limits for this campaign; unset values take the <c>Dialer:*</c> defaults.</summary>
    public DialerSettings? Dialer { get; set; }
    /// <summary>Whether every number has its <see cref="CampaignNumber"/>; an edit of the numbers clears it.</summary>
    public bool NumbersSeeded { get; set; }
    /// <summary>Calls of this campaign placed and not yet ended: its concurrency slots.</summary>
    public int ActiveCalls { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>A campaign's dialing limits. Null means the configured default.</summary>
public sealed class DialerSettings
{
    /// <summary>Concurrent calls of this campaign (default 5).</summary>
    public int? MaxConcurrentCalls { get; set; }
    /// <summary>Attempts per number for busy, no-answer and failed calls (default 2).</summary>
    public int? MaxAttempts { get; set; }
    /// <summary>Seconds between attempts at one number (default 120).</summary>
    public int? RetryDelaySeconds { get; set; }
    /// <summary>When calls may be placed, in the window's time zone; null means any time.</summary>
    public CallingWindow? CallingWindow { get; set; }
}

/// <summary>A daily window such as 09:00 to 18:00 in an IANA time zone; an end before the start spans midnight.</summary>
public sealed class CallingWindow
{
    public string Start { get; set; } = "09:00";
    public string End { get; set; } = "18:00";
    public string TimeZone { get; set; } = "UTC";

    public bool Contains(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        var t = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var start = TimeOnly.ParseExact(Start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var end = TimeOnly.ParseExact(End, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return start <= end ? t >= start && t < end : t >= start || t < end;
    }
}

public static class NumberStatus
{
    public const string Pending = "pending";
    public const string Claimed = "claimed";
    public const string InProgress = "in_progress";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>
/// One number of a campaign as the dialer works through it. Every change is one conditional
/// <c>findOneAndUpdate</c>: a dispatcher claims a <c>pending</c> number whose time has come, and only the holder of
/// the current attempt's <see cref="CallId"/> moves it on, so no number is dialled twice at once.
/// </summary>
public sealed class CampaignNumber : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string CampaignId { get; set; } = default!;
    public string PhoneNumber { get; set; } = default!;
    /// <summary>One of <see cref="NumberStatus"/>.</summary>
    public string Status { get; set; } = NumberStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? ClaimExpiresAt { get; set; }
    public string? ClaimedBy { get; set; }
    /// <summary>The current (or last) attempt's call log id, which is the call_id voice-host uses.</summary>
    public string? CallId { get; set; }
    public string? ProviderCallId { get; set; }
    /// <summary>How the last attempt ended: completed, busy, no_answer, failed, machine, claim_expired.</summary>
    public string? LastOutcome { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A phone number of the platform's telephony account that the operator allocated to one tenant (unique on the
/// number), and the tenant's agent that answers inbound calls to it, once the tenant maps one.
/// </summary>
public sealed class InboundNumber : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string PhoneNumber { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    /// <summary>Null until the tenant maps the number to an agent; inbound calls to it are not answered until then.</summary>
    public string? AgentId { get; set; }
    /// <summary>When the operator allocated the number.</summary>
    public DateTime CreatedAt { get; set; }
}

public enum CallStatus
{
    InProgress,
    Completed,
    Failed,
    NoAnswer,
    Busy,
}

/// <summary>Latencies of one conversational turn, in milliseconds.</summary>
public sealed class TurnMetrics
{
    public int Turn { get; set; }
    public double? VoiceToVoiceMs { get; set; }
    public double? SttMs { get; set; }
    public double? LlmTtftMs { get; set; }
    public double? TtsTtfbMs { get; set; }
}

/// <summary>A call's metadata. Its id is the call_id that voice-host announced in <c>ready</c>.</summary>
public sealed class CallLog : ITenantOwned
{
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string AgentId { get; set; } = default!;
    public string? CampaignId { get; set; }
    public string? PhoneNumber { get; set; }
    [BsonRepresentation(BsonType.String)] public CallStatus Status { get; set; }
    public string? EndReason { get; set; }
    public int Attempt { get; set; } = 1;
    public DateTime StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public double DurationSeconds { get; set; }
    public string? RecordingKey { get; set; }
    public string? TranscriptKey { get; set; }
    public List<TurnMetrics> Turns { get; set; } = [];
    public double? AvgVoiceToVoiceMs { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class TranscriptTurn
{
    public string Speaker { get; set; } = default!;
    public string Text { get; set; } = default!;
    public long StartMs { get; set; }
    public long EndMs { get; set; }
}

public sealed class Transcript : ITenantOwned
{
    /// <summary>The call_id.</summary>
    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public List<TranscriptTurn> Turns { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One UTC day of calls for a tenant, one of its agents or one of its campaigns (<see cref="Scope"/>), kept by
/// post-call processing so analytics need not aggregate raw call logs. Unique on tenant, scope, scope id and day.
/// </summary>
public sealed class AnalyticsDay : ITenantOwned
{
    public const string TenantScope = "tenant";
    public const string AgentScope = "agent";
    public const string CampaignScope = "campaign";

    [BsonRepresentation(BsonType.ObjectId)] public string Id { get; set; } = default!;
    public string TenantId { get; set; } = default!;
    public string Scope { get; set; } = default!;
    public string ScopeId { get; set; } = default!;
    public DateTime Day { get; set; }
    public long Calls { get; set; }
    /// <summary>Calls per status, keyed by the snake_case status (<c>no_answer</c>).</summary>
    public Dictionary<string, long> ByStatus { get; set; } = [];
    public double DurationSum { get; set; }
    /// <summary>Sum and count of the calls' average voice-to-voice latencies, for the average over calls.</summary>
    public double VoiceToVoiceSum { get; set; }
    public long VoiceToVoiceCalls { get; set; }
    /// <summary>The calls counted here: the guard that counts a redelivered call once. Never read back.</summary>
    public List<string> CallIds { get; set; } = [];
}
