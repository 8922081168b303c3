using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Functions.Auth;

/// <summary>Salted PBKDF2 (Identity's v3 format). A check for an unknown user still hashes, so timing reveals nothing.</summary>
public sealed class PasswordService
{
    public const int MinLength = 10;
    private static readonly object Subject = new();
    private readonly PasswordHasher<object> _hasher;
    private readonly string _dummyHash;

    public PasswordService(IOptions<PasswordHasherOptions>? options = null)
    {
        _hasher = new PasswordHasher<object>(options);
        _dummyHash = _hasher.HashPassword(Subject, "a-password-nobody-has-" + Guid.NewGuid());
    }

    public string Hash(string password) => _hasher.HashPassword(Subject, password);

    public bool Verify(string? hash, string password)
    {
        var result = _hasher.VerifyHashedPassword(Subject, hash ?? _dummyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
