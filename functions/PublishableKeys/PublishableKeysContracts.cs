using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.PublishableKeys;

public sealed record CreatePublishableKeyRequest(string? Name, string[]? AgentIds, string[]? AllowedOrigins, int? CallsPerMinute);

/// <summary>A publishable key is no secret: it is listed again in full, for the embed snippet.</summary>
public sealed record PublishableKeyResponse(
    string Id, string Name, string Key, string[] AgentIds, string[] AllowedOrigins, int CallsPerMinute, DateTime CreatedAt)
{
    public static PublishableKeyResponse From(PublishableKey k) => new(k.Id, k.Name, k.Key, k.AgentIds, k.AllowedOrigins, k.CallsPerMinute, k.CreatedAt);
}

public sealed record PublishableKeyList(IReadOnlyList<PublishableKeyResponse> Items);
