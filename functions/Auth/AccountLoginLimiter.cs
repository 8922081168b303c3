using System.Security.Cryptography;
using System.Text;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Auth;

/// <summary>
/// At most <see cref="MaxFailures"/> failed logins per account in any <see cref="Window"/>, from any mix of addresses.
/// Each attempt first reserves a failure with one conditional update of the account's <see cref="LoginFailureLog"/>
/// (it succeeds only while the log has room in the window), so parallel guesses cannot overshoot; a login that turns
/// out right takes its reservation back. Nothing locks for good: the oldest failure leaving the window frees a slot.
/// </summary>
public sealed class AccountLoginLimiter(MongoContext db, TimeProvider time)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Reserves one failure for an attempt on <paramref name="email"/>; 429 when the account has none left.</summary>
    /// <returns>The reservation, for <see cref="ReleaseAsync"/> when the password was right.</returns>
    public async Task<string> ReserveAsync(string email, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = Key(email);
        var token = Guid.NewGuid().ToString("N");
        var f = Builders<LoginFailureLog>.Filter;
        // Room: fewer than MaxFailures entries, or the oldest of them has left the window.
        var hasRoom = f.And(
            f.Eq(l => l.Key, key),
            f.Or(f.Exists($"failures.{MaxFailures - 1}", false), f.Lte($"failures.0.at", now - Window)));
        var update = Builders<LoginFailureLog>.Update
            .PushEach(l => l.Failures, [new LoginFailure { At = now, Token = token }], MaxFailures * -1, null, Builders<LoginFailure>.Sort.Ascending(e => e.At))
            .Set(l => l.ExpiresAt, now + Window);
        try
        {
            await db.LoginFailures.UpdateOneAsync(hasRoom, update, new UpdateOptions { IsUpsert = true }, ct);
            return token;
        }
        catch (MongoException e) when (IsDuplicateKey(e))
        {
            // The log is full (the filter missed it, so the upsert tried to insert a second one for the key), or two
            // first failures raced to create it: the second try tells which.
            var retried = await db.LoginFailures.UpdateOneAsync(hasRoom, update, cancellationToken: ct);
            if (retried.ModifiedCount == 1) return token;
        }
        var log = await db.LoginFailures.Find(l => l.Key == key).FirstOrDefaultAsync(ct);
        var oldest = log?.Failures.Select(e => e.At).DefaultIfEmpty(now).Min() ?? now;
        throw new TooManyRequestsException(oldest + Window - now,
            $"Too many failed logins for this account: at most {MaxFailures} in {Window.TotalMinutes:0} minutes. Try again later.");
    }

    /// <summary>The password was right: the attempt was no failure after all.</summary>
    public Task ReleaseAsync(string email, string reservation, CancellationToken ct)
    {
        var key = Key(email);
        return db.LoginFailures.UpdateOneAsync(
            l => l.Key == key,
            Builders<LoginFailureLog>.Update.PullFilter(l => l.Failures, e => e.Token == reservation),
            cancellationToken: ct);
    }

    private static string Key(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"account|{email}")));

    private static bool IsDuplicateKey(MongoException e) => e switch
    {
        MongoWriteException w => w.WriteError.Category == ServerErrorCategory.DuplicateKey,
        MongoCommandException c => c.Code == 11000,
        _ => false,
    };
}
