using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Credentials;

/// <summary>
/// Tenants' provider keys (section <c>Credentials</c>): the master keys they are sealed under and, per provider, whether
/// a tenant without a key of its own may use the platform's. In Azure each master key is a Key Vault secret.
/// </summary>
public sealed class CredentialOptions
{
    public const string Section = "Credentials";

    /// <summary>
    /// Master keys by id, each 32 random bytes in base64 (<c>Credentials:MasterKeys:k2</c>). A key stays here while
    /// any credential is still sealed under it; after a rotation to <see cref="ActiveKeyId"/> the old one may go.
    /// </summary>
    public Dictionary<string, string> MasterKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The master key new and rotated credentials are sealed under; unset turns tenants' keys off.</summary>
    [MaxLength(40)] public string? ActiveKeyId { get; set; }

    /// <summary>
    /// Per provider (<c>Credentials:AllowPlatformKey:openai=false</c>): whether a tenant's call may run on the platform's
    /// key when the tenant stored none. Unlisted providers allow it, as a deployment before tenants' keys did.
    /// </summary>
    public Dictionary<string, bool> AllowPlatformKey { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool PlatformKeyAllowed(string provider) => AllowPlatformKey.GetValueOrDefault(provider, true);
}
