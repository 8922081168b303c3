using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Core.Credentials;

/// <summary>
/// Seals and opens tenants' provider keys with AES-256-GCM under the master keys of <see cref="CredentialOptions"/>.
/// The tenant id and provider are the associated data, so a sealed key copied onto another tenant's or provider's
/// record fails to open instead of serving that tenant.
/// </summary>
public sealed class CredentialCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys;
    private readonly string? _activeKeyId;

    public CredentialCipher(IOptions<CredentialOptions> options)
    {
        var o = options.Value;
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, value) in o.MasterKeys)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            var key = Convert.FromBase64String(value);
            if (key.Length != 32) throw new InvalidOperationException($"Credentials:MasterKeys:{id} must be 32 bytes in base64, not {key.Length}.");
            _keys[id] = key;
        }
        _activeKeyId = string.IsNullOrEmpty(o.ActiveKeyId) ? null : o.ActiveKeyId;
        if (_activeKeyId is not null && !_keys.ContainsKey(_activeKeyId))
        {
            throw new InvalidOperationException($"Credentials:ActiveKeyId names '{_activeKeyId}', which is not among Credentials:MasterKeys.");
        }
    }

    /// <summary>Whether a master key is set, so tenants may store keys.</summary>
    public bool Configured => _activeKeyId is not null;

    /// <summary>The key new secrets are sealed under; a secret under any other is due for <see cref="CredentialRotation"/>.</summary>
    public string? ActiveKeyId => _activeKeyId;

    public SealedSecret Seal(string tenantId, string provider, string secret)
    {
        if (_activeKeyId is null) throw new InvalidOperationException("No master key is set (Credentials:ActiveKeyId).");
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedSecret = new SealedSecret
        {
            KeyId = _activeKeyId,
            Nonce = RandomNumberGenerator.GetBytes(NonceSize),
            Ciphertext = new byte[plain.Length],
            Tag = new byte[TagSize],
        };
        using var aes = new AesGcm(_keys[_activeKeyId], TagSize);
        aes.Encrypt(sealedSecret.Nonce, plain, sealedSecret.Ciphertext, sealedSecret.Tag, AssociatedData(tenantId, provider));
        CryptographicOperations.ZeroMemory(plain);
        return sealedSecret;
    }

    /// <summary>The secret, or a <see cref="CryptographicException"/> when its master key is gone or it was tampered with or moved.</summary>
    public string Open(string tenantId, string provider, SealedSecret sealedSecret)
    {
        if (!_keys.TryGetValue(sealedSecret.KeyId, out var key))
        {
            throw new CryptographicException($"master key '{sealedSecret.KeyId}' is not among Credentials:MasterKeys");
        }
        var plain = new byte[sealedSecret.Ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedSecret.Nonce, sealedSecret.Ciphertext, sealedSecret.Tag, plain, AssociatedData(tenantId, provider));
        var secret = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return secret;
    }

    private static byte[] AssociatedData(string tenantId, string provider) => Encoding.UTF8.GetBytes($"voiceagents/provider-credential\n{tenantId}\n{provider}");
}
