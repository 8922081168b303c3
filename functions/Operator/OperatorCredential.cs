using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Functions.Operator;

/// <summary>Checks a presented operator key against <see cref="OperatorOptions.ApiKey"/>, in constant time.</summary>
public sealed class OperatorCredential(IOptions<OperatorOptions> options)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(options.Value.ApiKey) ? null : Hash(options.Value.ApiKey);

    /// <summary>Whether an operator key is configured at all.</summary>
    public bool IsConfigured => _expected is not null;

    /// <summary>Whether <paramref name="presented"/> is the operator key. Always false when none is configured.</summary>
    public bool Verify(string? presented) =>
        // Comparing hashes keeps the time independent of where the keys differ and of the presented key's length.
        _expected is not null && presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _expected);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
