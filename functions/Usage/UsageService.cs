using System.Globalization;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.PostCall;

namespace VoiceAgents.Functions.Usage;

/// <summary>
/// A tenant's usage. Usage is counted per UTC day into the daily analytics documents (<see cref="AnalyticsDay.Usage"/>),
/// in the same guarded update that counts the call, so a question about the tenant, one agent or one campaign reads a
/// few small documents. An agent within a campaign has no document of its own: that question adds up the usage its
/// call logs carry, which hold the same figures.
/// </summary>
public sealed class UsageService(MongoContext db, CurrentUser current)
{
    public async Task<UsageResponse> GetAsync(UsageQuery q, CancellationToken ct)
    {
        var days = q.AgentId is not null && q.CampaignId is not null ? await FromCallLogsAsync(q, ct) : await FromAggregatesAsync(q, ct);
        var total = new CallUsage();
        foreach (var (_, _, usage) in days) total.Add(usage);
        return new UsageResponse(q.From, q.To,
            UsageFigures.Of(days.Sum(d => d.Calls), total),
            days.Select(d => new UsageDay(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), UsageFigures.Of(d.Calls, d.Usage))).ToList());
    }

    private async Task<List<(DateTime Day, long Calls, CallUsage Usage)>> FromAggregatesAsync(UsageQuery q, CancellationToken ct)
    {
        var (scope, scopeId) = q.CampaignId is not null ? (AnalyticsDay.CampaignScope, q.CampaignId)
            : q.AgentId is not null ? (AnalyticsDay.AgentScope, q.AgentId)
            : (AnalyticsDay.TenantScope, current.TenantId);
        var f = Builders<AnalyticsDay>.Filter;
        var filter = f.Eq(a => a.TenantId, current.TenantId) & f.Eq(a => a.Scope, scope) & f.Eq(a => a.ScopeId, scopeId)
            & f.Gte(a => a.Day, q.From) & f.Lt(a => a.Day, q.To);
        var days = await db.Analytics.Find(filter)
            .Project<AnalyticsDay>(Builders<AnalyticsDay>.Projection.Include(a => a.Day).Include(a => a.Calls).Include(a => a.Usage))
            .SortBy(a => a.Day).ToListAsync(ct);
        // A document opened for a call that is not counted yet (see CallAnalytics) has no calls.
        return days.Where(d => d.Calls > 0).Select(d => (CallAnalytics.DayOf(d.Day), d.Calls, d.Usage)).ToList();
    }

    private async Task<List<(DateTime Day, long Calls, CallUsage Usage)>> FromCallLogsAsync(UsageQuery q, CancellationToken ct)
    {
        var f = Builders<CallLog>.Filter;
        var filter = f.Eq(c => c.TenantId, current.TenantId) & f.Eq(c => c.AgentId, q.AgentId) & f.Eq(c => c.CampaignId, q.CampaignId)
            & f.Gte(c => c.CreatedAt, q.From) & f.Lt(c => c.CreatedAt, q.To);
        var logs = await db.CallLogs.Find(filter)
            .Project<CallLog>(Builders<CallLog>.Projection.Include(c => c.Id).Include(c => c.TenantId).Include(c => c.AgentId).Include(c => c.CreatedAt).Include(c => c.Usage))
            .ToListAsync(ct);
        return logs.GroupBy(l => CallAnalytics.DayOf(l.CreatedAt)).OrderBy(g => g.Key).Select(g =>
        {
            var usage = new CallUsage();
            foreach (var log in g.Where(l => l.Usage is not null)) usage.Add(log.Usage!);
            return (g.Key, (long)g.Count(), usage);
        }).ToList();
    }
}
