using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Campaigns;

/// <summary>The body of <c>POST /campaigns</c> and <c>PUT /campaigns/{id}</c>. Status changes only through the transitions.</summary>
public sealed record CampaignRequest(string? Name, string? AgentId, IReadOnlyList<string?>? PhoneNumbers);

public sealed record CampaignResponse(
    string Id, string Name, string AgentId, IReadOnlyList<string> PhoneNumbers, CampaignStatus Status, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CampaignResponse From(Campaign c) => new(c.Id, c.Name, c.AgentId, c.PhoneNumbers, c.Status, c.CreatedAt, c.UpdatedAt);
}

/// <summary>A campaign in a list: the numbers are counted, not listed.</summary>
public sealed record CampaignSummary(string Id, string Name, string AgentId, int PhoneNumberCount, CampaignStatus Status, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CampaignSummary From(Campaign c) => new(c.Id, c.Name, c.AgentId, c.PhoneNumbers.Count, c.Status, c.CreatedAt, c.UpdatedAt);
}
