using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Counts a publishable key's calls per minute in one MongoDB document per key, so every voice-host counts against
/// the same limit. A window opens with the first call after the previous one closed (not on the clock's minute), so
/// a burst cannot double up across a minute boundary.
/// </summary>
public sealed class PublishableKeyRateLimiter(MongoContext db, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Counts a call; null when it is within the limit, else how long until the window closes.</summary>
    public async Task<TimeSpan?> TryCountAsync(string keyId, int limit, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var open = now - Window;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var counted = await db.CallRateWindows.UpdateOneAsync(
                w => w.Id == keyId && w.WindowStart > open && w.Count < limit,
                Builders<CallRateWindow>.Update.Inc(w => w.Count, 1), cancellationToken: ct);
            if (counted.MatchedCount > 0) return null;
            var restarted = await db.CallRateWindows.UpdateOneAsync(
                w => w.Id == keyId && w.WindowStart <= open,
                Builders<CallRateWindow>.Update.Set(w => w.WindowStart, now).Set(w => w.Count, 1).Set(w => w.ExpiresAt, now + Window),
                cancellationToken: ct);
            if (restarted.MatchedCount > 0) return null;
            var full = await db.CallRateWindows.Find(w => w.Id == keyId).FirstOrDefaultAsync(ct);
            if (full is not null) return full.WindowStart + Window - now;
            try
            {
                await db.CallRateWindows.InsertOneAsync(new CallRateWindow { Id = keyId, WindowStart = now, Count = 1, ExpiresAt = now + Window }, cancellationToken: ct);
                return null;
            }
            catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                // Another call opened the window first: count against it.
            }
        }
        return Window;
    }
}
