using VoiceAgents.Core.Json;
using System.Text.Json.Serialization;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.Campaigns;

/// <summary>
/// The body of <c>POST /campaigns</c> and <c>PUT /campaigns/{id}</c>. Status changes only through the transitions.
/// <c>contacts</c> are numbers with the variables their calls' templates see; their numbers join <c>phone_numbers</c>.
/// </summary>
public sealed record CampaignRequest(
    string? Name, string? AgentId, IReadOnlyList<string?>? PhoneNumbers, DialerSettingsDto? Dialer = null, IReadOnlyList<CampaignContactDto?>? Contacts = null);

/// <summary>A number of a campaign with its call's variables (strings; at most 50, each at most 1 KB).</summary>
public sealed record CampaignContactDto(
    string? PhoneNumber, [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Variables)
{
    public static CampaignContactDto From(CampaignContact c) => new(c.PhoneNumber, c.Variables.ToDictionary(v => v.Key, v => (string?)v.Value));
}

/// <summary>A campaign's dialing limits; any left out take the configured defaults (5 concurrent calls, 2 attempts, 120 s apart).</summary>
public sealed record DialerSettingsDto(int? MaxConcurrentCalls, int? MaxAttempts, int? RetryDelaySeconds, CallingWindowDto? CallingWindow)
{
    public static DialerSettingsDto? From(DialerSettings? d) => d is null ? null : new DialerSettingsDto(
        d.MaxConcurrentCalls, d.MaxAttempts, d.RetryDelaySeconds,
        d.CallingWindow is { } w ? new CallingWindowDto(w.Start, w.End, w.TimeZone) : null);
}

/// <summary>Calls only between <c>start</c> and <c>end</c> (HH:mm) in <c>time_zone</c> (IANA, such as Europe/London).</summary>
public sealed record CallingWindowDto(string? Start, string? End, string? TimeZone);

public sealed record CampaignResponse(
    string Id, string Name, string AgentId, IReadOnlyList<string> PhoneNumbers, CampaignStatus Status, DateTime CreatedAt, DateTime UpdatedAt,
    DialerSettingsDto? Dialer, IReadOnlyList<CampaignContactDto> Contacts)
{
    public static CampaignResponse From(Campaign c) =>
        new(c.Id, c.Name, c.AgentId, c.PhoneNumbers, c.Status, c.CreatedAt, c.UpdatedAt, DialerSettingsDto.From(c.Dialer), c.Contacts.Select(CampaignContactDto.From).ToList());
}

/// <summary>A campaign in a list: the numbers are counted, not listed.</summary>
public sealed record CampaignSummary(string Id, string Name, string AgentId, int PhoneNumberCount, CampaignStatus Status, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CampaignSummary From(Campaign c) => new(c.Id, c.Name, c.AgentId, c.PhoneNumbers.Count, c.Status, c.CreatedAt, c.UpdatedAt);
}
