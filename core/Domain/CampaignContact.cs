namespace VoiceAgents.Core.Domain;

/// <summary>A campaign's number with the variables its call's templates see.</summary>
public sealed class CampaignContact
{
    public required string PhoneNumber { get; set; }
    public Dictionary<string, string> Variables { get; set; } = [];
}
