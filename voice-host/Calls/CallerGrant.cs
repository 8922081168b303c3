using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Who may make this <c>/ws</c> call: the tenant, the agent, the variables the credential brings, and how the caller
/// proved it (<see cref="Via"/>: member, call_token or publishable_key). Only a member may name a campaign contact.
/// </summary>
public sealed record CallerGrant(string TenantId, Agent Agent, IReadOnlyDictionary<string, string>? Variables, string Via)
{
    public const string Member = "member";
    public const string CallToken = "call_token";
    public const string PublishableKey = "publishable_key";
}
