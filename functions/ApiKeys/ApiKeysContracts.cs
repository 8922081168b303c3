using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string[]? Scopes);

/// <summary>The one response that carries the secret.</summary>
public sealed record ApiKeyCreated(string Id, string Name, string[] Scopes, string Prefix, string Secret, DateTime CreatedAt);

public sealed record ApiKeyResponse(string Id, string Name, string[] Scopes, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Name, k.Scopes, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

public sealed record ApiKeyList(IReadOnlyList<ApiKeyResponse> Items);
