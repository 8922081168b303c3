namespace VoiceAgents.Core.Domain;

/// <summary>Every stored document belongs to exactly one tenant, and every query filters on it.</summary>
public interface ITenantOwned
{
    string TenantId { get; }
}
