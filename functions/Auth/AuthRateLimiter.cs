using System.Security.Cryptography;
using System.Text;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Auth;

/// <summary>
/// At most <see cref="Limit"/> login attempts per minute per IP and email. The count lives in MongoDB, one document
/// per window incremented atomically, so it holds across instances.
/// </summary>
public sealed class LoginRateLimiter(MongoContext db, TimeProvider time)
{
    public const int Limit = 5;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public async Task CountAttemptAsync(string ip, string email, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var windowStart = new DateTime(now.Ticks - now.Ticks % Window.Ticks, DateTimeKind.Utc);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ip}|{email}|{windowStart.Ticks}")));
        var update = Builders<LoginAttemptWindow>.Update
            .Inc(a => a.Count, 1)
            .SetOnInsert(a => a.WindowStart, windowStart)
            .SetOnInsert(a => a.ExpiresAt, windowStart + Window + Window);
        LoginAttemptWindow window;
        try
        {
            window = await Increment(key, update, ct);
        }
        catch (MongoCommandException e) when (e.Code == 11000)
        {
            // Two first attempts raced to create the window; the loser increments the winner's document.
            window = await Increment(key, update, ct);
        }
        if (window.Count > Limit)
        {
            throw new TooManyRequestsException(windowStart + Window - now);
        }
    }

    private Task<LoginAttemptWindow> Increment(string key, UpdateDefinition<LoginAttemptWindow> update, CancellationToken ct) =>
        db.LoginAttempts.FindOneAndUpdateAsync<LoginAttemptWindow>(
            a => a.Key == key,
            update,
            new FindOneAndUpdateOptions<LoginAttemptWindow> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            ct);
}
