using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Dialer;

/// <summary>What one run of the dispatcher did.</summary>
public sealed record DispatchResult(int Placed, int Failed, int Reclaimed, int Completed);

/// <summary>How an attempt at a number ended.</summary>
public static class CallOutcomes
{
    public const string Completed = "completed";
    public const string Machine = "machine";
    public const string Busy = "busy";
    public const string NoAnswer = "no_answer";
    public const string Failed = "failed";
    public const string ClaimExpired = "claim_expired";

    public static bool Retryable(string outcome) => outcome is Busy or NoAnswer or Failed or ClaimExpired;

    public static CallStatus Status(string outcome) => outcome switch
    {
        Completed or Machine => CallStatus.Completed,
        Busy => CallStatus.Busy,
        NoAnswer => CallStatus.NoAnswer,
        _ => CallStatus.Failed,
    };
}

/// <summary>
/// Places the calls of running campaigns. Everything two dispatchers could race on is one conditional
/// single-document update: a campaign slot (<c>active_calls &lt; cap</c> while <c>running</c>), a tenant slot and
/// rate token together (<c>active_calls &lt; cap</c> and the GCRA time <c>next_dial_at</c> compared and set), and a
/// number (<c>pending</c> and due, to <c>claimed</c> with a fresh call_id). Only the holder of a number's current
/// call_id can end the attempt, and whoever ends it gives the slots back, so each slot is returned once.
/// </summary>
public sealed partial class DialerService(
    MongoContext db, TenantCallSlots slots, ITelephonyProvider telephony, IEventQueue events, IOptions<DialerOptions> options, IOptions<TwilioOptions> twilio,
    TelephonyAccounts accounts, TimeProvider time, ILogger<DialerService> log)
{
    private static readonly string[] Open = [NumberStatus.Claimed, NumberStatus.InProgress];
    private static readonly string[] Unfinished = [NumberStatus.Pending, NumberStatus.Claimed, NumberStatus.InProgress];
    private readonly DialerOptions _options = options.Value;

    /// <summary>Identifies this dispatcher in its claims (<c>claimed_by</c>).</summary>
    public string InstanceId { get; init; } = $"{Environment.MachineName}:{Guid.NewGuid():N}";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private enum Attempt { Placed, Failed, NoNumber, CampaignFull, TenantFull, RateLimited, NotRunning }

    /// <summary>One run: take back expired claims, then place what the limits allow, for every tenant or only <paramref name="tenantId"/>.</summary>
    public async Task<DispatchResult> DispatchAsync(CancellationToken ct, string? tenantId = null)
    {
        if (!telephony.CanPlaceCalls) return new DispatchResult(0, 0, 0, 0);
        var reclaimed = await ReclaimExpiredAsync(ct, tenantId);
        var running = Builders<Campaign>.Filter.Eq(c => c.Status, CampaignStatus.Running);
        if (tenantId is not null) running &= Builders<Campaign>.Filter.Eq(c => c.TenantId, tenantId);
        var campaigns = await db.Campaigns.Find(running)
            .Project<Campaign>(Builders<Campaign>.Projection.Exclude(c => c.PhoneNumbers)).ToListAsync(ct);
        var placed = 0;
        var failed = 0;
        var completed = 0;
        var budget = _options.MaxCallsPerRun;
        await Parallel.ForEachAsync(campaigns.GroupBy(c => c.TenantId), new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct }, async (tenant, c) =>
        {
            var (p, f, done) = await DispatchTenantAsync(tenant.Key, tenant.ToList(), () => Interlocked.Decrement(ref budget) >= 0, c);
            Interlocked.Add(ref placed, p);
            Interlocked.Add(ref failed, f);
            Interlocked.Add(ref completed, done);
        });
        return new DispatchResult(placed, failed, reclaimed, completed);
    }

    private async Task<(int Placed, int Failed, int Completed)> DispatchTenantAsync(string tenantId, List<Campaign> campaigns, Func<bool> takeBudget, CancellationToken ct)
    {
        var tenant = await db.Tenants.Find(t => t.Id == tenantId).FirstOrDefaultAsync(ct);
        if (tenant is null) return (0, 0, 0);
        // The tenant's own Twilio account, else the platform's where the operator allows it; with neither (or no caller
        // id), its campaigns wait, their numbers untouched, until one is stored.
        var account = await accounts.ForTenantAsync(tenantId, ct);
        var from = account?.FromNumber ?? (twilio.Value.FromNumber.Length > 0 ? twilio.Value.FromNumber : null);
        if (account is null || from is null)
        {
            LogNoAccount(tenantId);
            return (0, 0, 0);
        }
        var agents = new Dictionary<string, Agent?>();
        var placed = 0;
        var failed = 0;
        var completed = 0;
        var active = new List<Campaign>();
        var now = time.GetUtcNow();
        foreach (var campaign in campaigns)
        {
            if (!campaign.NumbersSeeded) await SeedAsync(campaign.Id, ct);
            if (campaign.Dialer?.CallingWindow is { } window && !window.Contains(now)) continue;
            if (!agents.ContainsKey(campaign.AgentId))
            {
                agents[campaign.AgentId] = await db.Agents.Find(a => a.Id == campaign.AgentId && a.TenantId == tenantId).FirstOrDefaultAsync(ct);
            }
            if (agents[campaign.AgentId] is not null) active.Add(campaign);
        }
        var changed = new HashSet<string>();
        // Round robin: one call per campaign per round, so one big campaign does not starve the tenant's others.
        while (active.Count > 0)
        {
            foreach (var campaign in active.ToList())
            {
                if (!takeBudget())
                {
                    active.Clear();
                    break;
                }
                var result = await TryPlaceOneAsync(tenant, account, from, campaign, agents[campaign.AgentId]!, ct);
                if (result is Attempt.Placed or Attempt.Failed) changed.Add(campaign.Id);
                if (result == Attempt.Placed) placed++;
                else if (result == Attempt.Failed) failed++;
                else if (result is Attempt.TenantFull or Attempt.RateLimited)
                {
                    active.Clear();
                    break;
                }
                else if (result != Attempt.Failed) active.Remove(campaign);
            }
        }
        foreach (var campaign in campaigns)
        {
            if (await TryCompleteAsync(campaign.Id, ct)) completed++;
            else if (changed.Contains(campaign.Id)) await PublishProgressAsync(campaign.Id, campaign.TenantId, ct);
        }
        return (placed, failed, completed);
    }

    private async Task<Attempt> TryPlaceOneAsync(Tenant tenant, TelephonyAccount account, string from, Campaign campaign, Agent agent, CancellationToken ct)
    {
        var campaignCap = campaign.Dialer?.MaxConcurrentCalls ?? _options.CampaignMaxConcurrentCalls;
        var slot = await db.Campaigns.UpdateOneAsync(
            c => c.Id == campaign.Id && c.Status == CampaignStatus.Running && c.ActiveCalls < campaignCap,
            Builders<Campaign>.Update.Inc(c => c.ActiveCalls, 1), cancellationToken: ct);
        if (slot.ModifiedCount == 0)
        {
            var status = await db.Campaigns.Find(c => c.Id == campaign.Id).Project(c => c.Status).FirstOrDefaultAsync(ct);
            return status == CampaignStatus.Running ? Attempt.CampaignFull : Attempt.NotRunning;
        }
        var tenantSlot = await ClaimTenantSlotAsync(tenant, ct);
        if (tenantSlot != Attempt.Placed)
        {
            await ReleaseCampaignSlotAsync(campaign.Id, ct);
            return tenantSlot;
        }

        var now = Now;
        var callId = Ids.New();
        var f = Builders<CampaignNumber>.Filter;
        var number = await db.CampaignNumbers.FindOneAndUpdateAsync(
            f.Eq(n => n.CampaignId, campaign.Id) & f.Eq(n => n.Status, NumberStatus.Pending) & f.Lte(n => n.NextAttemptAt, now),
            Builders<CampaignNumber>.Update
                .Set(n => n.Status, NumberStatus.Claimed).Set(n => n.ClaimedBy, InstanceId).Set(n => n.ClaimExpiresAt, now + _options.ClaimTimeout)
                .Set(n => n.CallId, callId).Set(n => n.ProviderCallId, null).Inc(n => n.Attempts, 1).Set(n => n.UpdatedAt, now),
            new FindOneAndUpdateOptions<CampaignNumber> { Sort = Builders<CampaignNumber>.Sort.Ascending(n => n.NextAttemptAt), ReturnDocument = ReturnDocument.After }, ct);
        if (number is null)
        {
            await ReleaseSlotsAsync(campaign.Id, tenant.Id, ct);
            return Attempt.NoNumber;
        }
        // A pause or cancel between the slot and the number: hand the number back untouched.
        if (await db.Campaigns.Find(c => c.Id == campaign.Id).Project(c => c.Status).FirstOrDefaultAsync(ct) != CampaignStatus.Running)
        {
            await db.CampaignNumbers.UpdateOneAsync(
                n => n.Id == number.Id && n.CallId == callId && n.Status == NumberStatus.Claimed,
                Builders<CampaignNumber>.Update.Set(n => n.Status, NumberStatus.Pending).Inc(n => n.Attempts, -1)
                    .Set(n => n.ClaimedBy, null).Set(n => n.ClaimExpiresAt, null).Set(n => n.CallId, null), cancellationToken: ct);
            await ReleaseSlotsAsync(campaign.Id, tenant.Id, ct);
            return Attempt.NotRunning;
        }

        await db.CallLogs.InsertOneAsync(new CallLog
        {
            Id = callId,
            TenantId = tenant.Id,
            AgentId = agent.Id,
            CampaignId = campaign.Id,
            PhoneNumber = number.PhoneNumber,
            Status = CallStatus.InProgress,
            Attempt = number.Attempts,
            StartedAt = now,
            CreatedAt = now,
        }, cancellationToken: ct);

        var o = twilio.Value;
        var voicemail = agent.Voicemail;
        try
        {
            var sid = await telephony.PlaceCallAsync(new OutboundCall(account,
                number.PhoneNumber, from,
                o.Callback($"twilio/voice?call_id={callId}"), o.Callback($"twilio/status?call_id={callId}"),
                voicemail?.MachineDetection == true, voicemail?.Action == VoicemailActions.LeaveMessage), ct);
            await db.CampaignNumbers.UpdateOneAsync(
                n => n.Id == number.Id && n.CallId == callId && n.Status == NumberStatus.Claimed,
                Builders<CampaignNumber>.Update.Set(n => n.Status, NumberStatus.InProgress).Set(n => n.ProviderCallId, sid).Set(n => n.UpdatedAt, Now),
                cancellationToken: ct);
            LogPlaced(callId, campaign.Id, number.Attempts, sid);
            return Attempt.Placed;
        }
        catch (TelephonyException e)
        {
            LogPlaceFailed(e, callId, campaign.Id);
            await FinishAttemptAsync(callId, CallOutcomes.Failed, "provider_refused", ct);
            return Attempt.Failed;
        }
    }

    /// <summary>
    /// A tenant slot and a rate token in one compare-and-set on the tenant: a slot from <see cref="TenantCallSlots"/>
    /// (the cap voice-host's calls count against too) and the GCRA's theoretical arrival time <c>next_dial_at</c> no
    /// further ahead than the burst allows (one second's worth).
    /// </summary>
    private async Task<Attempt> ClaimTenantSlotAsync(Tenant tenant, CancellationToken ct)
    {
        var cap = slots.CapOf(tenant);
        var rate = tenant.CallsPerSecond ?? _options.TenantCallsPerSecond;
        var interval = TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / Math.Max(rate, 0.001)));
        var tolerance = interval * (Math.Max(1, Math.Ceiling(rate)) - 1);
        var current = tenant;
        for (var i = 0; i < 20; i++)
        {
            if (current.ActiveCalls >= cap) return Attempt.TenantFull;
            var now = Now;
            var tat = current.NextDialAt is { } t && t > now ? t : now;
            if (tat - now > tolerance) return Attempt.RateLimited;
            var seen = current.NextDialAt;
            var next = TruncateToMilliseconds(tat + interval);
            var updated = await slots.TryTakeAsync(current, ct,
                Builders<Tenant>.Filter.Eq(x => x.NextDialAt, seen), Builders<Tenant>.Update.Set(x => x.NextDialAt, next));
            if (updated is not null) return Attempt.Placed;
            current = await db.Tenants.Find(x => x.Id == tenant.Id).FirstOrDefaultAsync(ct);
            if (current is null) return Attempt.NotRunning;
        }
        return Attempt.RateLimited;
    }

    private static DateTime TruncateToMilliseconds(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    private async Task ReleaseCampaignSlotAsync(string campaignId, CancellationToken ct) =>
        await db.Campaigns.UpdateOneAsync(c => c.Id == campaignId && c.ActiveCalls > 0, Builders<Campaign>.Update.Inc(c => c.ActiveCalls, -1), cancellationToken: ct);

    private async Task ReleaseSlotsAsync(string campaignId, string tenantId, CancellationToken ct)
    {
        await ReleaseCampaignSlotAsync(campaignId, ct);
        await slots.ReleaseAsync(tenantId, ct);
    }

    /// <summary>
    /// Ends the attempt whose call_id this is: the number goes back to <c>pending</c> after the retry delay (a
    /// retryable outcome with attempts left), or to <c>done</c> / <c>failed</c>; its call log row gets the outcome;
    /// the slots are returned. Only the first caller for a call_id does anything, so a repeated callback is harmless.
    /// </summary>
    public async Task<bool> FinishAttemptAsync(string callId, string outcome, string? endReason, CancellationToken ct)
    {
        var number = await db.CampaignNumbers.Find(n => n.CallId == callId).FirstOrDefaultAsync(ct);
        if (number is null || !Open.Contains(number.Status)) return false;
        var campaign = await db.Campaigns.Find(c => c.Id == number.CampaignId).Project<Campaign>(Builders<Campaign>.Projection.Exclude(c => c.PhoneNumbers)).FirstOrDefaultAsync(ct);
        var maxAttempts = campaign?.Dialer?.MaxAttempts ?? _options.MaxAttempts;
        var retryDelay = campaign?.Dialer?.RetryDelaySeconds is { } s ? TimeSpan.FromSeconds(s) : _options.RetryDelay;
        var now = Now;
        var retry = CallOutcomes.Retryable(outcome) && number.Attempts < maxAttempts;
        var status = retry ? NumberStatus.Pending : outcome is CallOutcomes.Completed or CallOutcomes.Machine ? NumberStatus.Done : NumberStatus.Failed;
        var f = Builders<CampaignNumber>.Filter;
        var ended = await db.CampaignNumbers.FindOneAndUpdateAsync(
            f.Eq(n => n.Id, number.Id) & f.Eq(n => n.CallId, callId) & f.In(n => n.Status, Open),
            Builders<CampaignNumber>.Update.Set(n => n.Status, status).Set(n => n.LastOutcome, outcome)
                .Set(n => n.NextAttemptAt, retry ? now + retryDelay : number.NextAttemptAt)
                .Set(n => n.ClaimedBy, null).Set(n => n.ClaimExpiresAt, null).Set(n => n.UpdatedAt, now),
            cancellationToken: ct);
        if (ended is null) return false;
        await ReleaseSlotsAsync(number.CampaignId, number.TenantId, ct);
        // The row post-call processing writes for an answered call replaces this one; the others keep it.
        await db.CallLogs.UpdateOneAsync(
            c => c.Id == callId && c.Status == CallStatus.InProgress,
            Builders<CallLog>.Update.Set(c => c.Status, CallOutcomes.Status(outcome)).Set(c => c.EndReason, endReason ?? outcome).Set(c => c.EndedAt, now),
            cancellationToken: ct);
        LogFinished(callId, outcome, status);
        if (!await TryCompleteAsync(number.CampaignId, ct)) await PublishProgressAsync(number.CampaignId, number.TenantId, ct);
        return true;
    }

    /// <summary>Marks an attempt answered: its claim now lasts as long as a call may.</summary>
    public async Task AnsweredAsync(string callId, CancellationToken ct) =>
        await db.CampaignNumbers.UpdateOneAsync(
            Builders<CampaignNumber>.Filter.Eq(n => n.CallId, callId) & Builders<CampaignNumber>.Filter.In(n => n.Status, Open),
            Builders<CampaignNumber>.Update.Set(n => n.Status, NumberStatus.InProgress).Set(n => n.ClaimExpiresAt, Now + _options.CallTimeout).Set(n => n.UpdatedAt, Now),
            cancellationToken: ct);

    /// <summary>Claims whose call never reported back are ended as failed attempts (and so retried if attempts are left).</summary>
    public async Task<int> ReclaimExpiredAsync(CancellationToken ct, string? tenantId = null)
    {
        var f = Builders<CampaignNumber>.Filter;
        var filter = f.In(n => n.Status, Open) & f.Lt(n => n.ClaimExpiresAt, Now);
        if (tenantId is not null) filter &= f.Eq(n => n.TenantId, tenantId);
        var expired = await db.CampaignNumbers.Find(filter)
            .Limit(500).Project(n => n.CallId).ToListAsync(ct);
        var reclaimed = 0;
        foreach (var callId in expired)
        {
            if (callId is not null && await FinishAttemptAsync(callId, CallOutcomes.ClaimExpired, "no_status_callback", ct)) reclaimed++;
        }
        return reclaimed;
    }

    /// <summary>
    /// Gives every number of the campaign its document (an idempotent upsert per number) and drops pending numbers
    /// an edit removed. The flag is set only if the campaign was not edited meanwhile.
    /// </summary>
    public async Task SeedAsync(string campaignId, CancellationToken ct)
    {
        var campaign = await db.Campaigns.Find(c => c.Id == campaignId).FirstOrDefaultAsync(ct);
        if (campaign is null || campaign.NumbersSeeded) return;
        var now = Now;
        foreach (var chunk in campaign.PhoneNumbers.Chunk(1000))
        {
            var writes = chunk.Select(phone => new UpdateOneModel<CampaignNumber>(
                Builders<CampaignNumber>.Filter.Eq(n => n.CampaignId, campaign.Id) & Builders<CampaignNumber>.Filter.Eq(n => n.PhoneNumber, phone),
                Builders<CampaignNumber>.Update
                    .SetOnInsert(n => n.Id, Ids.New()).SetOnInsert(n => n.TenantId, campaign.TenantId)
                    .SetOnInsert(n => n.Status, NumberStatus.Pending).SetOnInsert(n => n.Attempts, 0)
                    .SetOnInsert(n => n.NextAttemptAt, now).SetOnInsert(n => n.UpdatedAt, now))
            { IsUpsert = true }).ToList();
            try
            {
                await db.CampaignNumbers.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, ct);
            }
            catch (MongoBulkWriteException e) when (e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey))
            {
                // Another dispatcher seeded the same numbers at the same moment: they exist, which is all that matters.
            }
        }
        var f = Builders<CampaignNumber>.Filter;
        await db.CampaignNumbers.DeleteManyAsync(
            f.Eq(n => n.CampaignId, campaign.Id) & f.Eq(n => n.Status, NumberStatus.Pending) & f.Nin(n => n.PhoneNumber, campaign.PhoneNumbers), ct);
        await db.Campaigns.UpdateOneAsync(
            Builders<Campaign>.Filter.Eq(c => c.Id, campaign.Id) & Builders<Campaign>.Filter.Exists(c => c.ActiveCalls, false),
            Builders<Campaign>.Update.Set(c => c.ActiveCalls, 0), cancellationToken: ct);
        await db.Campaigns.UpdateOneAsync(
            c => c.Id == campaign.Id && c.UpdatedAt == campaign.UpdatedAt && !c.NumbersSeeded,
            Builders<Campaign>.Update.Set(c => c.NumbersSeeded, true), cancellationToken: ct);
    }

    /// <summary>A running campaign whose every number is final becomes <c>completed</c>, once, and says so.</summary>
    public async Task<bool> TryCompleteAsync(string campaignId, CancellationToken ct)
    {
        var f = Builders<CampaignNumber>.Filter;
        if (await db.CampaignNumbers.Find(f.Eq(n => n.CampaignId, campaignId) & f.In(n => n.Status, Unfinished)).Limit(1).AnyAsync(ct)) return false;
        var now = Now;
        var campaign = await db.Campaigns.FindOneAndUpdateAsync(
            c => c.Id == campaignId && c.Status == CampaignStatus.Running && c.NumbersSeeded,
            Builders<Campaign>.Update.Set(c => c.Status, CampaignStatus.Completed).Set(c => c.CompletedAt, now).Set(c => c.UpdatedAt, now),
            new FindOneAndUpdateOptions<Campaign> { ReturnDocument = ReturnDocument.After }, ct);
        if (campaign is null) return false;
        var progress = await ProgressAsync(campaign, ct);
        await events.EnqueueAsync(new PlatformEvent($"{EventTypes.CampaignCompleted}:{campaignId}", EventTypes.CampaignCompleted, now, campaign.TenantId,
            progress.ToJson()), ct);
        LogCompleted(campaignId);
        return true;
    }

    public async Task<CampaignProgress> ProgressAsync(Campaign campaign, CancellationToken ct)
    {
        if (!campaign.NumbersSeeded && campaign.Status is CampaignStatus.Draft)
        {
            return new CampaignProgress(campaign.Id, campaign.Status, campaign.PhoneNumbers.Count, campaign.PhoneNumbers.Count, 0, 0, 0, campaign.ActiveCalls);
        }
        var f = Builders<CampaignNumber>.Filter;
        var mine = f.Eq(n => n.CampaignId, campaign.Id);
        var pending = await db.CampaignNumbers.CountDocumentsAsync(mine & f.Eq(n => n.Status, NumberStatus.Pending), cancellationToken: ct);
        var inProgress = await db.CampaignNumbers.CountDocumentsAsync(mine & f.In(n => n.Status, Open), cancellationToken: ct);
        var done = await db.CampaignNumbers.CountDocumentsAsync(mine & f.Eq(n => n.Status, NumberStatus.Done), cancellationToken: ct);
        var failed = await db.CampaignNumbers.CountDocumentsAsync(mine & f.Eq(n => n.Status, NumberStatus.Failed), cancellationToken: ct);
        return new CampaignProgress(campaign.Id, campaign.Status, pending + inProgress + done + failed, pending, inProgress, done, failed, campaign.ActiveCalls);
    }

    private async Task PublishProgressAsync(string campaignId, string tenantId, CancellationToken ct)
    {
        var campaign = await db.Campaigns.Find(c => c.Id == campaignId).Project<Campaign>(Builders<Campaign>.Projection.Exclude(c => c.PhoneNumbers)).FirstOrDefaultAsync(ct);
        if (campaign is null) return;
        var progress = await ProgressAsync(campaign, ct);
        var now = Now;
        await events.EnqueueAsync(new PlatformEvent($"{EventTypes.CampaignProgress}:{campaignId}:{now.Ticks}", EventTypes.CampaignProgress, now, tenantId, progress.ToJson()), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} has running campaigns but no Twilio account to call on (none of its own, the platform's not allowed or not configured, or no caller id)")]
    private partial void LogNoAccount(string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Placed call {CallId} of campaign {CampaignId} (attempt {Attempt}, provider id {ProviderCallId})")]
    private partial void LogPlaced(string callId, string campaignId, int attempt, string providerCallId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Placing call {CallId} of campaign {CampaignId} failed")]
    private partial void LogPlaceFailed(Exception e, string callId, string campaignId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} ended: {Outcome}; number now {NumberStatus}")]
    private partial void LogFinished(string callId, string outcome, string numberStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} completed")]
    private partial void LogCompleted(string campaignId);
}

/// <summary>Where a campaign's numbers stand: what <c>GET /campaigns/{id}/progress</c> answers and <c>campaign.progress</c> carries.</summary>
public sealed record CampaignProgress(string CampaignId, CampaignStatus Status, long Total, long Pending, long InProgress, long Done, long Failed, int ActiveCalls)
{
    public JsonObject ToJson() => new()
    {
        ["campaign_id"] = CampaignId,
        ["status"] = Status.ToString().ToLowerInvariant(),
        ["total"] = Total,
        ["pending"] = Pending,
        ["in_progress"] = InProgress,
        ["done"] = Done,
        ["failed"] = Failed,
        ["active_calls"] = ActiveCalls,
    };
}
