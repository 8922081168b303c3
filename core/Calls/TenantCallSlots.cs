using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Calls;

/// <summary>
/// A tenant's concurrent-call slots, the one place they are taken and given back: <c>tenants.active_calls</c>,
/// changed by a conditional <c>$inc</c> under the tenant's cap (<c>max_concurrent_calls</c>, else
/// <see cref="CallSlotOptions.TenantMaxConcurrentCalls"/>). The dialer takes a slot for each call it places (with
/// its rate token in the same update) and gives it back when the attempt ends; voice-host takes one for each browser
/// call and each inbound phone call, and records it as a <see cref="CallSlot"/> lease that it renews, so the slots of
/// an instance that died come back when their lease runs out (<see cref="ReapExpiredAsync"/>).
/// </summary>
public sealed class TenantCallSlots(MongoContext db, IOptions<CallSlotOptions> options, TimeProvider time)
{
    private static readonly FilterDefinitionBuilder<Tenant> F = Builders<Tenant>.Filter;

    public int CapOf(Tenant tenant) => tenant.MaxConcurrentCalls ?? options.Value.TenantMaxConcurrentCalls;

    /// <summary>
    /// Takes one of the tenant's slots if it is under its cap, in one conditional update; <paramref name="alsoRequire"/>
    /// and <paramref name="alsoSet"/> fold a caller's own guard and change into that same update (the dialer's rate
    /// token). Returns the tenant as updated, or null when it is at its cap (or the guard failed).
    /// </summary>
    public async Task<Tenant?> TryTakeAsync(Tenant tenant, CancellationToken ct, FilterDefinition<Tenant>? alsoRequire = null, UpdateDefinition<Tenant>? alsoSet = null)
    {
        // A tenant stored before the counter existed has none; $inc creates it.
        var filter = F.Eq(t => t.Id, tenant.Id) & (F.Lt(t => t.ActiveCalls, CapOf(tenant)) | F.Exists(t => t.ActiveCalls, false));
        if (alsoRequire is not null) filter &= alsoRequire;
        var update = Builders<Tenant>.Update.Inc(t => t.ActiveCalls, 1);
        if (alsoSet is not null) update = Builders<Tenant>.Update.Combine(update, alsoSet);
        return await db.Tenants.FindOneAndUpdateAsync(filter, update, new FindOneAndUpdateOptions<Tenant> { ReturnDocument = ReturnDocument.After }, ct);
    }

    /// <summary>Gives one slot back (never below zero).</summary>
    public Task ReleaseAsync(string tenantId, CancellationToken ct) =>
        db.Tenants.UpdateOneAsync(t => t.Id == tenantId && t.ActiveCalls > 0, Builders<Tenant>.Update.Inc(t => t.ActiveCalls, -1), cancellationToken: ct);

    /// <summary>
    /// Takes a slot for one call held by <paramref name="holder"/> (a voice-host instance): the counter, then the
    /// lease that says who holds it. Not taken when the tenant is at its cap (or is gone); the cap comes back either way.
    /// </summary>
    public async Task<(bool Taken, int Cap)> TryTakeForCallAsync(string tenantId, string callId, string holder, CancellationToken ct)
    {
        var tenant = await db.Tenants.Find(t => t.Id == tenantId).FirstOrDefaultAsync(ct);
        if (tenant is null) return (false, 0);
        if (await TryTakeAsync(tenant, ct) is null) return (false, CapOf(tenant));
        try
        {
            await db.CallSlots.InsertOneAsync(new CallSlot { Id = callId, TenantId = tenantId, Holder = holder, ExpiresAt = LeaseEnd() }, cancellationToken: CancellationToken.None);
        }
        catch
        {
            await ReleaseAsync(tenantId, CancellationToken.None);
            throw;
        }
        return (true, CapOf(tenant));
    }

    /// <summary>Gives back the slot of one call; only the first of several calls for the same call does anything.</summary>
    public async Task ReleaseForCallAsync(string callId, CancellationToken ct)
    {
        var slot = await db.CallSlots.FindOneAndDeleteAsync(s => s.Id == callId, cancellationToken: ct);
        if (slot is not null) await ReleaseAsync(slot.TenantId, ct);
    }

    /// <summary>Pushes the lease of every slot <paramref name="holder"/> holds forward by <see cref="CallSlotOptions.Lease"/>.</summary>
    public Task RenewAsync(string holder, CancellationToken ct) =>
        db.CallSlots.UpdateManyAsync(s => s.Holder == holder, Builders<CallSlot>.Update.Set(s => s.ExpiresAt, LeaseEnd()), cancellationToken: ct);

    /// <summary>Gives back the slots whose lease ran out (their holder died without giving them back); returns how many.</summary>
    public async Task<int> ReapExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Whole documents (they are small): the local stand-in does not project on _id alone.
        var expired = await db.CallSlots.Find(s => s.ExpiresAt < now).Limit(500).ToListAsync(ct);
        var reaped = 0;
        foreach (var id in expired.Select(s => s.Id))
        {
            // Deleting it is the claim: of two reapers, only the one that deletes the lease gives the slot back.
            var slot = await db.CallSlots.FindOneAndDeleteAsync(s => s.Id == id && s.ExpiresAt < now, cancellationToken: ct);
            if (slot is null) continue;
            await ReleaseAsync(slot.TenantId, ct);
            reaped++;
        }
        return reaped;
    }

    private DateTime LeaseEnd() => time.GetUtcNow().UtcDateTime + options.Value.Lease;
}
