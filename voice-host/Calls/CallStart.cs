namespace VoiceAgents.VoiceHost.Calls;

/// <summary>What a transport knows of a call as it starts. A null <paramref name="CallId"/> gets a new one.</summary>
public sealed record CallStart(string? CallId, string TenantId, int OutputRate, string? CampaignId, string? PhoneNumber, int Attempt = 1);
