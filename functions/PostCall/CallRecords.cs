using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.PostCall;

/// <summary>
/// The write side of call logs and transcripts. Writes are idempotent upserts keyed by call_id, so a redelivered
/// post-call message changes nothing; every call log written here is also counted, once, in the daily analytics.
/// </summary>
public sealed class CallRecords(MongoContext db, CallAnalytics analytics, TimeProvider time)
{
    public async Task UpsertCallLogAsync(CallLog log, CancellationToken ct)
    {
        if (log.CreatedAt == default) log.CreatedAt = time.GetUtcNow().UtcDateTime;
        log.AvgVoiceToVoiceMs ??= Average(log.Turns);
        // Counted first, so a call log that can be seen is also in the analytics; a retry after a failure in between
        // counts nothing twice.
        await analytics.CountAsync(log, ct);
        // Every field; the analysis only when given: the analysis function writes it after this, and a redelivered
        // message must not erase it (a replace would, and the analysis would run, and count, again).
        var fields = log.ToBsonDocument();
        fields.Remove("_id");
        if (log.Analysis is null) fields.Remove("analysis");
        await db.CallLogs.UpdateOneAsync(
            c => c.Id == log.Id && c.TenantId == log.TenantId, new BsonDocument("$set", fields), new UpdateOptions { IsUpsert = true }, ct);
    }

    public async Task UpsertTranscriptAsync(Transcript transcript, CancellationToken ct)
    {
        if (transcript.CreatedAt == default) transcript.CreatedAt = time.GetUtcNow().UtcDateTime;
        await db.Transcripts.ReplaceOneAsync(
            t => t.Id == transcript.Id && t.TenantId == transcript.TenantId, transcript, new ReplaceOptions { IsUpsert = true }, ct);
    }

    /// <summary>Seeds or imports many call logs at once (used by tests and the benchmark's seeding).</summary>
    public async Task InsertManyAsync(IEnumerable<CallLog> logs, CancellationToken ct)
    {
        var batch = logs.Select(l =>
        {
            if (l.CreatedAt == default) l.CreatedAt = time.GetUtcNow().UtcDateTime;
            l.AvgVoiceToVoiceMs ??= Average(l.Turns);
            return l;
        }).ToList();
        if (batch.Count == 0) return;
        try
        {
            await db.CallLogs.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = false }, ct);
        }
        catch (MongoBulkWriteException<CallLog> e)
        {
            // Unordered: the others were inserted, and they count.
            var failed = e.WriteErrors.Select(w => w.Index).ToHashSet();
            await analytics.CountManyAsync(batch.Where((_, i) => !failed.Contains(i)).ToList(), ct);
            throw;
        }
        await analytics.CountManyAsync(batch, ct);
    }

    private static double? Average(List<TurnMetrics> turns)
    {
        var values = turns.Where(t => t.VoiceToVoiceMs is not null).Select(t => t.VoiceToVoiceMs!.Value).ToList();
        return values.Count == 0 ? null : values.Average();
    }
}
