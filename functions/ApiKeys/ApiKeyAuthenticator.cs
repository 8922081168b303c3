using System.Collections.Concurrent;
using System.ComponentModel;
using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.ApiKeys;

/// <summary>
/// Turns an API key into the identity it acts as. A key is found by its prefix (indexed) and checked against its
/// hash; the result is cached for <see cref="JwtOptions.UserCheckInterval"/> as member tokens' versions are, so a
/// revoked key is refused at once by the instance that revoked it and within seconds by every other.
/// </summary>
public sealed class ApiKeyAuthenticator(MongoContext db, HybridCache cache, IOptions<JwtOptions> jwt, TimeProvider time)
{
    public const string SecretPrefix = "va_sk_";

    /// <summary>"va_sk_" and 8 random characters: shown in listings, and the lookup key.</summary>
    public const int PrefixLength = 14;

    /// <summary><c>last_used_at</c> moves at most this often per key, so a busy key costs no write per request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int SecretLength = 6 + 43;

    private readonly HybridCacheEntryOptions _entry = new()
    {
        Expiration = jwt.Value.UserCheckInterval,
        LocalCacheExpiration = jwt.Value.UserCheckInterval,
    };

    private readonly ConcurrentDictionary<string, DateTime> _lastWritten = new(StringComparer.Ordinal);

    public static bool LooksLikeKey(string bearer) => bearer.StartsWith(SecretPrefix, StringComparison.Ordinal);

    /// <summary>The key's identity (its tenant and scopes), or null for an unknown or revoked key.</summary>
    public async Task<TokenIdentity?> ValidateAsync(string secret, CancellationToken ct)
    {
        if (secret.Length != SecretLength || !LooksLikeKey(secret)) return null;
        var hash = OpaqueSecret.Hash(secret);
        var key = await cache.GetOrCreateAsync(CacheKey(hash), (db, prefix: secret[..PrefixLength], hash), static async (s, c) =>
        {
            var candidates = await s.db.ApiKeys.Find(k => k.Prefix == s.prefix).Limit(10).ToListAsync(c);
            var found = candidates.FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(
                Convert.FromHexString(k.SecretHash), Convert.FromHexString(s.hash)));
            return found is null || found.RevokedAt is not null ? KnownKey.None : new KnownKey(found.Id, found.TenantId, found.Scopes);
        }, _entry, cancellationToken: ct);
        if (key.Id is null) return null;
        await TouchAsync(key.Id, ct);
        return new TokenIdentity(key.Id, key.TenantId!, TokenIdentity.ApiKeyRole, null, 0, key.Scopes);
    }

    /// <summary>Drops this process's cached key at once; other processes follow within the cache interval.</summary>
    public ValueTask ForgetAsync(string secretHash, CancellationToken ct) => cache.RemoveAsync(CacheKey(secretHash), ct);

    /// <summary>
    /// Moves <c>last_used_at</c> when this process has not done so within the last minute; the guarded
    /// single-document update keeps other instances from writing it more often either.
    /// </summary>
    private async Task TouchAsync(string id, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_lastWritten.TryGetValue(id, out var last) && now - last < LastUsedResolution) return;
        _lastWritten[id] = now;
        var stale = now - LastUsedResolution;
        await db.ApiKeys.UpdateOneAsync(
            k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt <= stale),
            Builders<ApiKey>.Update.Set(k => k.LastUsedAt, now), cancellationToken: ct);
    }

    private static string CacheKey(string hash) => $"api-key:{hash}";

    /// <summary>A key as cached: <see cref="None"/> for a secret that matches no live key.</summary>
    [ImmutableObject(true)]
    public sealed record KnownKey(string? Id, string? TenantId, string[]? Scopes)
    {
        public static readonly KnownKey None = new(null, null, null);
    }
}
