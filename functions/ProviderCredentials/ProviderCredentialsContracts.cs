using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.ProviderCredentials;

/// <summary>
/// The body of <c>PUT /provider-credentials/{provider}</c>: the vendor's key (for Twilio the auth token), a server's
/// API root for <c>openai_compatible</c> (required) and <c>ai4bharat</c>, and Twilio's (sub)account SID and, optionally,
/// the caller id the tenant's outbound calls use (a number of that account).
/// </summary>
public sealed record ProviderCredentialRequest(string? ApiKey, string? BaseUrl, string? AccountSid, string? FromNumber = null);

/// <summary>A stored key as it is ever shown again: its last four characters, never the key.</summary>
public sealed record ProviderCredentialResponse(string Provider, string Last4, DateTime CreatedAt, DateTime UpdatedAt, bool Verified, string? BaseUrl, string? AccountSid, string? FromNumber)
{
    public static ProviderCredentialResponse From(ProviderCredential c) => new(c.Provider, c.Last4, c.CreatedAt, c.UpdatedAt, c.Verified, c.BaseUrl, c.AccountSid, c.FromNumber);
}

public sealed record ProviderCredentialList(IReadOnlyList<ProviderCredentialResponse> Items);

/// <summary>
/// For one provider, whose key this tenant's calls use: its own (<c>tenant_key</c>), else the platform's where the
/// operator allows it (<c>platform_key_allowed</c>); <c>usable</c> is either.
/// </summary>
public sealed record ProviderKeyStatus(string Provider, bool TenantKey, bool PlatformKeyAllowed, bool Usable);

/// <summary>The answer to <c>POST /operator/provider-credentials/rotate</c>.</summary>
public sealed record CredentialRotationResponse(string ActiveKeyId, int Rotated, long Remaining);
