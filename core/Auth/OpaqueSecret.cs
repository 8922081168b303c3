using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace VoiceAgents.Core.Auth;

/// <summary>
/// The random secrets stored only as a hash (refresh tokens, API keys, call tokens). Each carries 256 random bits, so
/// one SHA-256 is enough: a slow hash (bcrypt, Argon2) protects guessable passwords, and nothing here can be guessed
/// or brute-forced from its hash, while a fast hash keeps every authenticated request cheap.
/// </summary>
public static class OpaqueSecret
{
    /// <summary>A new secret: <paramref name="prefix"/> then 43 base64url characters (32 random bytes). Webhooks' and tools' signing secrets are made here too.</summary>
    public static string New(string prefix = "") => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lowercase hex SHA-256 stored in the secret's place.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
