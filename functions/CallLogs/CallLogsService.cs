using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Storage;
using VoiceAgents.Functions.Analysis;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.CallLogs;

/// <param name="Success">The analysis's success verdict; calls without one match neither value.</param>
public sealed record CallLogFilter(string? CampaignId, string? AgentId, CallStatus? Status, string? PhoneNumber, DateTime? From, DateTime? To, bool? Success = null);

/// <summary>
/// The read side of call logs and transcripts. Every query leads with tenant_id and sorts on created_at, _id
/// descending, matching the <c>{tenant_id, …, created_at: -1}</c> indexes.
/// </summary>
public sealed class CallLogsService(MongoContext db, IObjectStore store, IOptions<S3Options> s3, CurrentUser current, TimeProvider time)
{
    public async Task<Page<CallLogSummary>> ListAsync(CallLogFilter q, PageRequest page, CancellationToken ct) =>
        await db.CallLogs.PageAsync(Matching(q), page, CallLogSummary.From, ct, Builders<CallLog>.Projection.Exclude(c => c.Turns));

    /// <summary>The caller's call logs that <paramref name="q"/> selects: the one filter of the list and the export.</summary>
    public FilterDefinition<CallLog> Matching(CallLogFilter q)
    {
        var f = Builders<CallLog>.Filter;
        var filter = f.Eq(c => c.TenantId, current.TenantId);
        if (q.CampaignId is not null) filter &= f.Eq(c => c.CampaignId, q.CampaignId);
        if (q.AgentId is not null) filter &= f.Eq(c => c.AgentId, q.AgentId);
        if (q.Status is { } s) filter &= f.Eq(c => c.Status, s);
        if (q.PhoneNumber is not null) filter &= f.Eq(c => c.PhoneNumber, q.PhoneNumber);
        if (q.From is { } from) filter &= f.Gte(c => c.CreatedAt, from);
        if (q.To is { } to) filter &= f.Lt(c => c.CreatedAt, to);
        if (q.Success is { } success) filter &= f.Eq("analysis.success.verdict", success);
        return filter;
    }

    public async Task<CallLogDetail> GetAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var c = await db.CallLogs.Find(x => x.Id == id && x.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Call log");
        string? url = null;
        DateTime? expires = null;
        if (c.RecordingKey is not null)
        {
            url = store.GetDownloadUrl(c.RecordingKey);
            expires = time.GetUtcNow().UtcDateTime + s3.Value.PresignedUrlLifetime;
        }
        return new CallLogDetail(
            c.Id, c.AgentId, c.CampaignId, c.PhoneNumber, c.Status, c.EndReason, c.Attempt, c.StartedAt, c.EndedAt, c.DurationSeconds,
            c.AvgVoiceToVoiceMs, c.Turns.Select(t => new TurnMetricsDto(t.Turn, t.VoiceToVoiceMs, t.SttMs, t.LlmTtftMs, t.TtsTtfbMs)).ToList(),
            url, expires, c.CreatedAt, c.Variables?.ToDictionary(v => v.Key, v => (string?)v.Value), c.TransferredTo, c.Usage,
            CallAnalysisResponse.From(c.Analysis));
    }

    public async Task<TranscriptResponse> GetTranscriptAsync(string callId, CancellationToken ct)
    {
        callId = Ids.Parse(callId, "call_id");
        var t = await db.Transcripts.Find(x => x.Id == callId && x.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Transcript");
        return new TranscriptResponse(t.Id, t.Turns.Select(TranscriptTurnDto.From).ToList());
    }
}
