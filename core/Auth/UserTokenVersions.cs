using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;

namespace VoiceAgents.Core.Auth;

/// <summary>
/// Each user's current token version, read from MongoDB through a cache of a few seconds
/// (<see cref="JwtOptions.UserCheckInterval"/>). Removing a member deletes the user, and a demotion or a password
/// change bumps <see cref="Domain.User.TokenVersion"/>: every process that validates access tokens (the API, voice-host)
/// refuses the old ones once its cache entry lapses, and the process that made the change at once (<see cref="ForgetAsync"/>).
/// </summary>
public sealed class UserTokenVersions(MongoContext db, HybridCache cache, IOptions<JwtOptions> options)
{
    /// <summary>The version of a user that no longer exists in the tenant: no token matches it.</summary>
    public const int Missing = -1;

    private readonly HybridCacheEntryOptions _entry = new()
    {
        Expiration = options.Value.UserCheckInterval,
        LocalCacheExpiration = options.Value.UserCheckInterval,
    };

    /// <summary>The user's token version, or <see cref="Missing"/> when the user is not (or no longer) in the tenant.</summary>
    public ValueTask<int> CurrentAsync(string tenantId, string userId, CancellationToken ct)
    {
        if (!Ids.IsValid(userId) || !Ids.IsValid(tenantId)) return ValueTask.FromResult(Missing);
        return cache.GetOrCreateAsync(Key(tenantId, userId), (db, tenantId, userId), static async (s, c) =>
        {
            var found = await s.db.Users.Find(u => u.Id == s.userId && u.TenantId == s.tenantId)
                .Project<Domain.User>(Builders<Domain.User>.Projection.Include(u => u.TokenVersion))
                .FirstOrDefaultAsync(c);
            return found?.TokenVersion ?? Missing;
        }, _entry, cancellationToken: ct);
    }

    /// <summary>Drops this process's cached version at once; other processes follow within the cache interval.</summary>
    public ValueTask ForgetAsync(string tenantId, string userId, CancellationToken ct) => cache.RemoveAsync(Key(tenantId, userId), ct);

    private static string Key(string tenantId, string userId) => $"token-version:{tenantId}:{userId}";
}
