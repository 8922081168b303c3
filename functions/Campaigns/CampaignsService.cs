using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.Campaigns;

public sealed class CampaignsService(MongoContext db, CurrentUser current, TimeProvider time)
{
    /// <summary>The state machine <c>draft -> running &lt;-> paused -> completed|cancelled</c>, as API actions.</summary>
    public static readonly IReadOnlyDictionary<string, (CampaignStatus[] From, CampaignStatus To)> Transitions =
        new Dictionary<string, (CampaignStatus[], CampaignStatus)>
        {
            ["start"] = ([CampaignStatus.Draft], CampaignStatus.Running),
            ["pause"] = ([CampaignStatus.Running], CampaignStatus.Paused),
            ["resume"] = ([CampaignStatus.Paused], CampaignStatus.Running),
            ["cancel"] = ([CampaignStatus.Running, CampaignStatus.Paused], CampaignStatus.Cancelled),
        };

    public async Task<Page<CampaignSummary>> ListAsync(PageRequest page, CampaignStatus? status, CancellationToken ct)
    {
        var f = Builders<Campaign>.Filter;
        var filter = f.Eq(c => c.TenantId, current.TenantId);
        if (status is { } s) filter &= f.Eq(c => c.Status, s);
        return await db.Campaigns.PageAsync(filter, page, CampaignSummary.From, ct);
    }

    public async Task<CampaignResponse> GetAsync(string id, CancellationToken ct) => CampaignResponse.From(await FindAsync(Ids.Parse(id), ct));

    public async Task<CampaignResponse> CreateAsync(CampaignRequest request, CancellationToken ct)
    {
        var (name, agentId, numbers, contacts, dialer) = await ValidateAsync(request, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var campaign = new Campaign
        {
            Id = Ids.New(),
            TenantId = current.TenantId,
            Name = name,
            AgentId = agentId,
            PhoneNumbers = numbers,
            Contacts = contacts,
            Dialer = dialer,
            Status = CampaignStatus.Draft,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.Campaigns.InsertOneAsync(campaign, cancellationToken: ct);
        return CampaignResponse.From(campaign);
    }

    public async Task<CampaignResponse> UpdateAsync(string id, CampaignRequest request, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var existing = await FindAsync(id, ct);
        if (existing.Status is CampaignStatus.Completed or CampaignStatus.Cancelled)
        {
            throw new ConflictException($"A {existing.Status.ToString().ToLowerInvariant()} campaign cannot be edited.");
        }
        var (name, agentId, numbers, contacts, dialer) = await ValidateAsync(request, ct);
        var updated = await db.Campaigns.FindOneAndUpdateAsync(
            c => c.Id == id && c.TenantId == current.TenantId && c.Status != CampaignStatus.Completed && c.Status != CampaignStatus.Cancelled,
            Builders<Campaign>.Update
                .Set(c => c.Name, name).Set(c => c.AgentId, agentId).Set(c => c.PhoneNumbers, numbers).Set(c => c.Contacts, contacts).Set(c => c.Dialer, dialer)
                // The dialer brings its numbers in line with the new list before it dials again.
                .Set(c => c.NumbersSeeded, false)
                .Set(c => c.UpdatedAt, time.GetUtcNow().UtcDateTime),
            new FindOneAndUpdateOptions<Campaign> { ReturnDocument = ReturnDocument.After }, ct)
            ?? throw new ConflictException("The campaign finished meanwhile and can no longer be edited.");
        return CampaignResponse.From(updated);
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var existing = await FindAsync(id, ct);
        if (existing.Status == CampaignStatus.Running) throw new ConflictException("A running campaign cannot be deleted; pause or cancel it first.");
        var result = await db.Campaigns.DeleteOneAsync(c => c.Id == id && c.TenantId == current.TenantId && c.Status != CampaignStatus.Running, ct);
        if (result.DeletedCount == 0) throw new ConflictException("The campaign changed meanwhile; reload and try again.");
    }

    /// <summary>Applies an action atomically: the update matches only while the campaign is in an allowed state.</summary>
    public async Task<CampaignResponse> TransitionAsync(string id, string action, CancellationToken ct)
    {
        id = Ids.Parse(id);
        if (!Transitions.TryGetValue(action, out var t))
        {
            throw new NotFoundException($"Campaign action '{action}'");
        }
        var updated = await db.Campaigns.FindOneAndUpdateAsync(
            Builders<Campaign>.Filter.Where(c => c.Id == id && c.TenantId == current.TenantId)
                & Builders<Campaign>.Filter.In(c => c.Status, t.From),
            Builders<Campaign>.Update.Set(c => c.Status, t.To).Set(c => c.UpdatedAt, time.GetUtcNow().UtcDateTime),
            new FindOneAndUpdateOptions<Campaign> { ReturnDocument = ReturnDocument.After }, ct);
        if (updated is null)
        {
            var existing = await FindAsync(id, ct);
            throw new ConflictException(
                $"Cannot {action} a campaign that is {existing.Status.ToString().ToLowerInvariant()}; allowed from: {string.Join(", ", t.From.Select(s => s.ToString().ToLowerInvariant()))}.");
        }
        return CampaignResponse.From(updated);
    }

    private async Task<(string Name, string AgentId, List<string> Numbers, List<CampaignContact> Contacts, DialerSettings? Dialer)> ValidateAsync(
        CampaignRequest r, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("name", r.Name, 100);
        var agentOk = v.Required("agent_id", r.AgentId, 24);
        if (agentOk && !Ids.IsValid(r.AgentId))
        {
            v.Add("agent_id", "must be a 24-character hexadecimal id.");
            agentOk = false;
        }
        if (r.PhoneNumbers is { Count: > PhoneNumbers.MaxPerCampaign * 2 })
        {
            v.Add("phone_numbers", $"must have at most {PhoneNumbers.MaxPerCampaign} numbers.");
        }
        var numbers = r.PhoneNumbers is { Count: > PhoneNumbers.MaxPerCampaign * 2 } ? [] : PhoneNumbers.Normalize(r.PhoneNumbers, v);
        var contacts = CampaignContacts.Validate(r.Contacts, v);
        // A contact's number is dialled like any other: the numbers are the union, in order, the list's first.
        numbers = numbers.Union(contacts.Select(c => c.PhoneNumber), StringComparer.Ordinal).ToList();
        if (numbers.Count > PhoneNumbers.MaxPerCampaign) v.Add("phone_numbers", $"must have at most {PhoneNumbers.MaxPerCampaign} distinct numbers with the contacts'; got {numbers.Count}.");
        if (agentOk)
        {
            var agentId = r.AgentId!.ToLowerInvariant();
            var exists = await db.Agents.Find(a => a.Id == agentId && a.TenantId == current.TenantId).AnyAsync(ct);
            if (!exists) v.Add("agent_id", "does not name an agent of this organization.");
        }
        var dialer = ValidateDialer(r.Dialer, v);
        v.ThrowIfInvalid();
        return (r.Name!.Trim(), r.AgentId!.ToLowerInvariant(), numbers, contacts, dialer);
    }

    private static DialerSettings? ValidateDialer(DialerSettingsDto? d, Validation v)
    {
        if (d is null) return null;
        v.Range("dialer.max_concurrent_calls", d.MaxConcurrentCalls, 1, 100);
        v.Range("dialer.max_attempts", d.MaxAttempts, 1, 10);
        v.Range("dialer.retry_delay_seconds", d.RetryDelaySeconds, 0, 86_400);
        CallingWindow? window = null;
        if (d.CallingWindow is { } w)
        {
            static bool IsTime(string? s) => TimeOnly.TryParseExact(s, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);
            if (!IsTime(w.Start)) v.Add("dialer.calling_window.start", "must be a time of day as HH:mm.");
            if (!IsTime(w.End)) v.Add("dialer.calling_window.end", "must be a time of day as HH:mm.");
            if (w.Start == w.End && IsTime(w.Start)) v.Add("dialer.calling_window.end", "must differ from start.");
            var zone = string.IsNullOrWhiteSpace(w.TimeZone) ? "UTC" : w.TimeZone;
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) v.Add("dialer.calling_window.time_zone", "must be an IANA time zone such as Europe/London.");
            window = new CallingWindow { Start = w.Start ?? "", End = w.End ?? "", TimeZone = zone };
        }
        return new DialerSettings { MaxConcurrentCalls = d.MaxConcurrentCalls, MaxAttempts = d.MaxAttempts, RetryDelaySeconds = d.RetryDelaySeconds, CallingWindow = window };
    }

    private async Task<Campaign> FindAsync(string id, CancellationToken ct) =>
        await db.Campaigns.Find(c => c.Id == id && c.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
        ?? throw new NotFoundException("Campaign");
}
