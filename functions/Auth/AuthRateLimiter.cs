using System.Security.Cryptography;
using System.Text;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Auth;

/// <summary>
/// Fixed-window counters of the anonymous auth endpoints, per client address (<see cref="ClientIpResolver"/>): at most
/// <see cref="LoginLimit"/> login attempts a minute per address and email, and <see cref="SignupLimit"/> signups an
/// hour per address. Each window is one MongoDB document incremented atomically, so the counts hold across instances.
/// </summary>
public sealed class AuthRateLimiter(MongoContext db, TimeProvider time)
{
    public const int LoginLimit = 5;
    public static readonly TimeSpan LoginWindow = TimeSpan.FromMinutes(1);

    /// <summary>Ten new organizations an hour from one address is more than any office signs up; a script needs more.</summary>
    public const int SignupLimit = 10;
    public static readonly TimeSpan SignupWindow = TimeSpan.FromHours(1);

    public Task CountAttemptAsync(string ip, string email, CancellationToken ct) =>
        CountAsync($"{ip}|{email}", LoginLimit, LoginWindow, "Too many login attempts. Try again later.", ct);

    public Task CountSignupAsync(string ip, CancellationToken ct) =>
        CountAsync($"signup|{ip}", SignupLimit, SignupWindow, $"At most {SignupLimit} signups an hour from one address. Try again later.", ct);

    private async Task CountAsync(string subject, int limit, TimeSpan window, string detail, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var windowStart = new DateTime(now.Ticks - now.Ticks % window.Ticks, DateTimeKind.Utc);
        // Hashed, so the collection reveals neither addresses nor emails.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{subject}|{windowStart.Ticks}")));
        var update = Builders<LoginAttemptWindow>.Update
            .Inc(a => a.Count, 1)
            .SetOnInsert(a => a.WindowStart, windowStart)
            .SetOnInsert(a => a.ExpiresAt, windowStart + window + window);
        LoginAttemptWindow counted;
        try
        {
            counted = await Increment(key, update, ct);
        }
        catch (MongoCommandException e) when (e.Code == 11000)
        {
            // Two first attempts raced to create the window; the loser increments the winner's document.
            counted = await Increment(key, update, ct);
        }
        if (counted.Count > limit)
        {
            throw new TooManyRequestsException(windowStart + window - now, detail);
        }
    }

    private Task<LoginAttemptWindow> Increment(string key, UpdateDefinition<LoginAttemptWindow> update, CancellationToken ct) =>
        db.LoginAttempts.FindOneAndUpdateAsync<LoginAttemptWindow>(
            a => a.Key == key,
            update,
            new FindOneAndUpdateOptions<LoginAttemptWindow> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            ct);
}
