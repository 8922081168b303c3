using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.PostCall;

/// <summary>
/// Keeps the daily per-tenant, per-agent and per-campaign aggregates in <c>analytics</c> (<see cref="AnalyticsDay"/>),
/// counting each call once however often its message is delivered, with the usage its calls report (<see cref="CallUsage"/>).
/// </summary>
/// <remarks>
/// How a call counts once without transactions (the MongoDB stand-in has none, and a redelivery may come after a
/// failure at any point): each aggregate document lists the call_ids it has counted, and a call is counted by ONE
/// atomic update of that document whose filter requires the id to be absent (<c>call_ids: {$nin: [id]}</c>) and which
/// both <c>$inc</c>s the figures and <c>$push</c>es the id. A repeat matches nothing and changes nothing. A failure
/// between the tenant, agent and campaign documents leaves each one counted or not, and the redelivery counts the
/// rest. (A separate marker per call would not do: marker and <c>$inc</c> are two writes, and a failure between them
/// loses the count or, undone, doubles it.) The guarded update never upserts: a missing document is first created by
/// an upsert on its unique key and the update is tried again, so two calls opening the same day at once cannot take
/// each other's duplicate-key error for a repeat. Each counted call costs about 30 bytes in its documents, which keeps
/// a document under MongoDB's 16 MB up to some 400,000 calls per agent (or campaign, or tenant) and day.
/// </remarks>
public sealed class CallAnalytics(MongoContext db)
{
    private static readonly FilterDefinitionBuilder<AnalyticsDay> F = Builders<AnalyticsDay>.Filter;
    private static readonly UpdateDefinitionBuilder<AnalyticsDay> U = Builders<AnalyticsDay>.Update;

    public Task CountAsync(CallLog log, CancellationToken ct) => CountManyAsync([log], ct);

    /// <summary>Counts calls (an import's batch, say) with one update per aggregate document they touch.</summary>
    public async Task CountManyAsync(IReadOnlyList<CallLog> logs, CancellationToken ct)
    {
        var groups = logs.SelectMany(l => Keys(l).Select(k => (Key: k, Log: l))).GroupBy(x => x.Key, x => x.Log);
        foreach (var group in groups)
        {
            await CountAsync(group.Key, group.DistinctBy(l => l.Id).ToList(), ct);
        }
    }

    private async Task CountAsync(Key key, IReadOnlyList<CallLog> logs, CancellationToken ct)
    {
        var ids = logs.Select(l => l.Id).ToList();
        if (await GuardedUpdateAsync(key, F.Nin("call_ids", ids), Delta(logs, ids), ct)) return;
        if (logs.Count == 1) return; // counted before: a redelivery

        // Some calls of the batch were counted before (an import retried): count the others one by one.
        foreach (var log in logs)
        {
            await CountAsync(key, [log], ct);
        }
    }

    /// <summary>
    /// Counts a call's success verdict once, when its analysis has one. Analysis comes after the call was counted, so
    /// its verdict has a guard list of its own (<c>judged_call_ids</c>), on the same pattern as the call's.
    /// </summary>
    public async Task CountVerdictAsync(CallLog log, CancellationToken ct)
    {
        if (log.Analysis?.Success is not { } success) return;
        var update = U.Combine(
            U.Inc(a => a.Judged, 1L), U.Inc(a => a.Succeeded, success.Verdict ? 1L : 0L), U.Push(a => a.JudgedCallIds, log.Id));
        foreach (var key in Keys(log))
        {
            await GuardedUpdateAsync(key, F.Nin("judged_call_ids", new[] { log.Id }), update, ct);
        }
    }

    /// <summary>Applies the update to the key's document unless the guard excludes it, creating the document first if need be; whether it applied.</summary>
    private async Task<bool> GuardedUpdateAsync(Key key, FilterDefinition<AnalyticsDay> guard, UpdateDefinition<AnalyticsDay> update, CancellationToken ct)
    {
        var guarded = KeyFilter(key) & guard;
        if ((await db.Analytics.UpdateOneAsync(guarded, update, cancellationToken: ct)).MatchedCount == 1) return true;
        await EnsureExistsAsync(key, ct);
        return (await db.Analytics.UpdateOneAsync(guarded, update, cancellationToken: ct)).MatchedCount == 1;
    }

    private async Task EnsureExistsAsync(Key key, CancellationToken ct)
    {
        try
        {
            await db.Analytics.UpdateOneAsync(KeyFilter(key), U.SetOnInsert(a => a.Calls, 0L), new UpdateOptions { IsUpsert = true }, ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Another call created it at the same moment.
        }
    }

    private static UpdateDefinition<AnalyticsDay> Delta(IReadOnlyList<CallLog> logs, List<string> ids)
    {
        var updates = new List<UpdateDefinition<AnalyticsDay>>
        {
            U.Inc(a => a.Calls, (long)logs.Count),
            U.Inc(a => a.DurationSum, logs.Sum(l => l.DurationSeconds)),
            U.PushEach(a => a.CallIds, ids),
        };
        foreach (var status in logs.GroupBy(l => StatusKey(l.Status)))
        {
            updates.Add(U.Inc<long>($"by_status.{status.Key}", status.Count()));
        }
        // The calls' usage rides in the same guarded update, so it is counted exactly when the call is.
        var usage = new CallUsage();
        foreach (var log in logs.Where(l => l.Usage is not null)) usage.Add(log.Usage!.Sanitized());
        foreach (var (field, key, value) in usage.Entries())
        {
            // Counts stay whole numbers in the document, as the class reads them back.
            updates.Add(CallUsage.IsCount(field) ? U.Inc($"usage.{field}.{key}", (long)value) : U.Inc($"usage.{field}.{key}", value));
        }
        var latencies = logs.Where(l => l.AvgVoiceToVoiceMs is not null).Select(l => l.AvgVoiceToVoiceMs!.Value).ToList();
        if (latencies.Count > 0)
        {
            updates.Add(U.Inc(a => a.VoiceToVoiceSum, latencies.Sum()));
            updates.Add(U.Inc(a => a.VoiceToVoiceCalls, (long)latencies.Count));
        }
        return U.Combine(updates);
    }

    public static string StatusKey(CallStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    /// <summary>The UTC day a call counts on: that of its created_at, as the raw analytics and the call-log filters use.</summary>
    public static DateTime DayOf(DateTime createdAt)
    {
        var utc = createdAt.Kind == DateTimeKind.Local ? createdAt.ToUniversalTime() : createdAt;
        return new DateTime(utc.Year, utc.Month, utc.Day, 0, 0, 0, DateTimeKind.Utc);
    }

    private static IEnumerable<Key> Keys(CallLog log)
    {
        var day = DayOf(log.CreatedAt);
        yield return new Key(log.TenantId, AnalyticsDay.TenantScope, log.TenantId, day);
        yield return new Key(log.TenantId, AnalyticsDay.AgentScope, log.AgentId, day);
        if (log.CampaignId is not null) yield return new Key(log.TenantId, AnalyticsDay.CampaignScope, log.CampaignId, day);
    }

    private static FilterDefinition<AnalyticsDay> KeyFilter(Key key) =>
        F.Eq(a => a.TenantId, key.TenantId) & F.Eq(a => a.Scope, key.Scope) & F.Eq(a => a.ScopeId, key.ScopeId) & F.Eq(a => a.Day, key.Day);

    private sealed record Key(string TenantId, string Scope, string ScopeId, DateTime Day);
}
