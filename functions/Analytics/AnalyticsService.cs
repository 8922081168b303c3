using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.PostCall;

namespace VoiceAgents.Functions.Analytics;

public sealed record AnalyticsQuery(DateTime? From, DateTime? To, string? AgentId, string? CampaignId);

public sealed record AnalyticsTotals(long Calls, long Completed, long Failed);

public sealed record DurationStats(double? Average, double? P50, double? P95);

public sealed record DayCount(string Date, long Calls);

/// <summary>
/// Calls whose post-call analysis judged them on the agent's success criteria, how many succeeded, and the rate
/// (null when none was judged). Each call counts once, however often its analysis is delivered.
/// </summary>
public sealed record SuccessStats(long Judged, long Succeeded, double? Rate)
{
    public static SuccessStats Of(long judged, long succeeded) => new(judged, succeeded, judged == 0 ? null : Math.Round((double)succeeded / judged, 4));
}

public sealed record AnalyticsResponse(
    DateTime? From, DateTime? To, AnalyticsTotals Totals, DurationStats DurationSeconds,
    IReadOnlyList<DayCount> CallsPerDay, IReadOnlyDictionary<string, long> ByStatus, double? AvgVoiceToVoiceMs,
    SuccessStats? Success = null);

/// <summary>
/// Analytics of a tenant's calls. A question in whole UTC days about the tenant, one agent or one campaign is answered
/// from the daily aggregates that post-call processing keeps (<see cref="AnalyticsDay"/>): a few small documents
/// instead of every call log. Only the duration percentiles, which cannot be added up across days, still read call
/// logs, with a bounded sort. Any other question (a time of day in the range, an agent within a campaign) is computed
/// from the call logs by one aggregation pipeline with a <c>$facet</c> per figure.
/// </summary>
public sealed class AnalyticsService(MongoContext db, CurrentUser current)
{
    public async Task<AnalyticsResponse> GetAsync(AnalyticsQuery q, CancellationToken ct)
    {
        return AnswersFromAggregates(q) ? await FromAggregatesAsync(q, ct) : await FromCallLogsAsync(q, ct);
    }

    private static bool AnswersFromAggregates(AnalyticsQuery q) =>
        (q.AgentId is null || q.CampaignId is null) && IsMidnight(q.From) && IsMidnight(q.To);

    private static bool IsMidnight(DateTime? t) => t is not { } v || v.TimeOfDay == TimeSpan.Zero;

    private async Task<AnalyticsResponse> FromAggregatesAsync(AnalyticsQuery q, CancellationToken ct)
    {
        var (scope, scopeId) = q.CampaignId is not null ? (AnalyticsDay.CampaignScope, q.CampaignId)
            : q.AgentId is not null ? (AnalyticsDay.AgentScope, q.AgentId)
            : (AnalyticsDay.TenantScope, current.TenantId);
        var f = Builders<AnalyticsDay>.Filter;
        var filter = f.Eq(a => a.TenantId, current.TenantId) & f.Eq(a => a.Scope, scope) & f.Eq(a => a.ScopeId, scopeId);
        if (q.From is { } from) filter &= f.Gte(a => a.Day, from);
        if (q.To is { } to) filter &= f.Lt(a => a.Day, to);
        var days = await db.Analytics.Find(filter)
            .Project<AnalyticsDay>(Builders<AnalyticsDay>.Projection.Exclude(a => a.CallIds).Exclude(a => a.JudgedCallIds))
            .SortBy(a => a.Day).ToListAsync(ct);
        days.RemoveAll(d => d.Calls == 0);

        var calls = days.Sum(d => d.Calls);
        var byStatus = days.SelectMany(d => d.ByStatus).GroupBy(s => s.Key)
            .Select(g => (g.Key, Calls: g.Sum(s => s.Value))).Where(s => s.Calls > 0).ToDictionary(s => s.Key, s => s.Calls);
        var latencies = days.Sum(d => d.VoiceToVoiceCalls);
        var (p50, p95) = await PercentilesAsync(Match(q), calls, ct);
        return new AnalyticsResponse(
            q.From, q.To,
            new AnalyticsTotals(calls, byStatus.GetValueOrDefault(CallAnalytics.StatusKey(CallStatus.Completed)), byStatus.GetValueOrDefault(CallAnalytics.StatusKey(CallStatus.Failed))),
            new DurationStats(calls == 0 ? null : Round(days.Sum(d => d.DurationSum) / calls), p50, p95),
            days.GroupBy(d => d.Day).Select(g => new DayCount(g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g.Sum(d => d.Calls))).ToList(),
            byStatus,
            latencies == 0 ? null : Round(days.Sum(d => d.VoiceToVoiceSum) / latencies),
            SuccessStats.Of(days.Sum(d => d.Judged), days.Sum(d => d.Succeeded)));
    }

    /// <summary>
    /// The 50th and 95th percentile durations as the pipeline computes them (the sorted durations' element at
    /// floor((n-1)·p)), by a sort kept to the first floor((n-1)·0.95)+1 durations.
    /// </summary>
    private async Task<(double? P50, double? P95)> PercentilesAsync(BsonDocument match, long calls, CancellationToken ct)
    {
        if (calls == 0) return (null, null);
        long i50 = (long)Math.Floor((calls - 1) * 0.5), i95 = (long)Math.Floor((calls - 1) * 0.95);
        var pipeline = new[]
        {
            new BsonDocument("$match", match),
            new BsonDocument("$project", new BsonDocument { ["_id"] = 0, ["d"] = "$duration_seconds" }),
            new BsonDocument("$sort", new BsonDocument("d", 1)),
            new BsonDocument("$limit", i95 + 1),
            new BsonDocument("$skip", i50),
        };
        var durations = await db.CallLogs.Aggregate<BsonDocument>(pipeline, cancellationToken: ct).ToListAsync(ct);
        if (durations.Count == 0) return (null, null);
        return (Double(durations[0], "d"), durations.Count == i95 - i50 + 1 ? Double(durations[^1], "d") : null);
    }

    private BsonDocument Match(AnalyticsQuery q)
    {
        var match = new BsonDocument("tenant_id", current.TenantId);
        if (q.AgentId is not null) match["agent_id"] = q.AgentId;
        if (q.CampaignId is not null) match["campaign_id"] = q.CampaignId;
        if (q.From is not null || q.To is not null)
        {
            var range = new BsonDocument();
            if (q.From is { } f) range["$gte"] = f;
            if (q.To is { } t) range["$lt"] = t;
            match["created_at"] = range;
        }
        return match;
    }

    private async Task<AnalyticsResponse> FromCallLogsAsync(AnalyticsQuery q, CancellationToken ct)
    {
        var match = Match(q);
        string completed = nameof(CallStatus.Completed), failed = nameof(CallStatus.Failed);
        BsonDocument Percentile(double p) => new("$arrayElemAt", new BsonArray
        {
            "$d",
            new BsonDocument("$floor", new BsonDocument("$multiply", new BsonArray { new BsonDocument("$subtract", new BsonArray { new BsonDocument("$size", "$d"), 1 }), p })),
        });

        var pipeline = new[]
        {
            new BsonDocument("$match", match),
            new BsonDocument("$facet", new BsonDocument
            {
                ["totals"] = new BsonArray
                {
                    new BsonDocument("$group", new BsonDocument
                    {
                        ["_id"] = BsonNull.Value,
                        ["calls"] = new BsonDocument("$sum", 1),
                        ["completed"] = new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$status", completed }), 1, 0 })),
                        ["failed"] = new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$status", failed }), 1, 0 })),
                        ["avg_duration"] = new BsonDocument("$avg", "$duration_seconds"),
                        ["avg_v2v"] = new BsonDocument("$avg", "$avg_voice_to_voice_ms"),
                        ["unsucceeded"] = new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$analysis.success.verdict", false }), 1, 0 })),
                        ["succeeded"] = new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$analysis.success.verdict", true }), 1, 0 })),
                    }),
                },
                ["durations"] = new BsonArray
                {
                    new BsonDocument("$sort", new BsonDocument("duration_seconds", 1)),
                    new BsonDocument("$group", new BsonDocument { ["_id"] = BsonNull.Value, ["d"] = new BsonDocument("$push", "$duration_seconds") }),
                    new BsonDocument("$project", new BsonDocument { ["_id"] = 0, ["p50"] = Percentile(0.5), ["p95"] = Percentile(0.95) }),
                },
                ["per_day"] = new BsonArray
                {
                    new BsonDocument("$group", new BsonDocument
                    {
                        ["_id"] = new BsonDocument("$dateToString", new BsonDocument { ["format"] = "%Y-%m-%d", ["date"] = "$created_at" }),
                        ["calls"] = new BsonDocument("$sum", 1),
                    }),
                    new BsonDocument("$sort", new BsonDocument("_id", 1)),
                },
                ["by_status"] = new BsonArray
                {
                    new BsonDocument("$group", new BsonDocument { ["_id"] = "$status", ["calls"] = new BsonDocument("$sum", 1) }),
                },
            }),
        };

        var result = await db.CallLogs.Aggregate<BsonDocument>(pipeline, cancellationToken: ct).FirstOrDefaultAsync(ct) ?? new BsonDocument();
        var totals = First(result, "totals");
        var durations = First(result, "durations");
        return new AnalyticsResponse(
            q.From, q.To,
            new AnalyticsTotals(Long(totals, "calls"), Long(totals, "completed"), Long(totals, "failed")),
            new DurationStats(Double(totals, "avg_duration"), Double(durations, "p50"), Double(durations, "p95")),
            Array(result, "per_day").Select(d => new DayCount(d["_id"].AsString, Long(d, "calls"))).ToList(),
            Array(result, "by_status").ToDictionary(d => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(d["_id"].ToString()!), d => Long(d, "calls")),
            Double(totals, "avg_v2v"),
            SuccessStats.Of(Long(totals, "succeeded") + Long(totals, "unsucceeded"), Long(totals, "succeeded")));
    }

    private static IEnumerable<BsonDocument> Array(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v.IsBsonArray ? v.AsBsonArray.Select(x => x.AsBsonDocument) : [];

    private static BsonDocument? First(BsonDocument doc, string name) => Array(doc, name).FirstOrDefault();

    private static long Long(BsonDocument? doc, string name) =>
        doc is not null && doc.TryGetValue(name, out var v) && v.IsNumeric ? v.ToInt64() : 0;

    private static double? Double(BsonDocument? doc, string name) =>
        doc is not null && doc.TryGetValue(name, out var v) && v.IsNumeric ? Round(v.ToDouble()) : null;

    private static double Round(double value) => Math.Round(value, 3);
}
