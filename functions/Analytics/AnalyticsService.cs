using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Analytics;

public sealed record AnalyticsQuery(DateTime? From, DateTime? To, string? AgentId, string? CampaignId);

public sealed record AnalyticsTotals(long Calls, long Completed, long Failed);

public sealed record DurationStats(double? Average, double? P50, double? P95);

public sealed record DayCount(string Date, long Calls);

public sealed record AnalyticsResponse(
    DateTime? From, DateTime? To, AnalyticsTotals Totals, DurationStats DurationSeconds,
    IReadOnlyList<DayCount> CallsPerDay, IReadOnlyDictionary<string, long> ByStatus, double? AvgVoiceToVoiceMs);

/// <summary>Analytics computed inside MongoDB by one aggregation pipeline with a <c>$facet</c> per figure.</summary>
public sealed class AnalyticsService(MongoContext db, CurrentUser current)
{
    public async Task<AnalyticsResponse> GetAsync(AnalyticsQuery q, CancellationToken ct)
    {
        if (q is { From: { } from, To: { } to } && from >= to) throw new ValidationException("to", "must be after from.");

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
            Double(totals, "avg_v2v"));
    }

    private static IEnumerable<BsonDocument> Array(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v.IsBsonArray ? v.AsBsonArray.Select(x => x.AsBsonDocument) : [];

    private static BsonDocument? First(BsonDocument doc, string name) => Array(doc, name).FirstOrDefault();

    private static long Long(BsonDocument? doc, string name) =>
        doc is not null && doc.TryGetValue(name, out var v) && v.IsNumeric ? v.ToInt64() : 0;

    private static double? Double(BsonDocument? doc, string name) =>
        doc is not null && doc.TryGetValue(name, out var v) && v.IsNumeric ? Math.Round(v.ToDouble(), 3) : null;
}
