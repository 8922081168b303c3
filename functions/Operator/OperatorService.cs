using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Dialer;

namespace VoiceAgents.Functions.Operator;

/// <summary>
/// What the operator does for tenants: allocates the platform's phone numbers to them (one tenant per number, by the
/// unique index on the number) and sets their limits. Every write is one single-document atomic operation.
/// </summary>
public sealed class OperatorService(MongoContext db, TimeProvider time, TenantCallSlots slots, IOptions<DialerOptions> dialer)
{
    public const int MaxConcurrentCallsLimit = 10_000;
    public const double MaxCallsPerSecond = 100;

    public async Task<IReadOnlyList<AllocatedNumberResponse>> ListNumbersAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await TenantAsync(tenantId, ct);
        return (await db.InboundNumbers.Find(n => n.TenantId == tenant.Id).SortBy(n => n.PhoneNumber).Limit(10_000).ToListAsync(ct))
            .Select(AllocatedNumberResponse.From).ToList();
    }

    /// <summary>Allocates the number to the tenant; again to the same tenant changes nothing. Another tenant's number is a 409.</summary>
    public async Task<AllocatedNumberResponse> AllocateAsync(string tenantId, string number, CancellationToken ct)
    {
        number = Number(number);
        var tenant = await TenantAsync(tenantId, ct);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await db.InboundNumbers.Find(n => n.PhoneNumber == number).FirstOrDefaultAsync(ct);
            if (existing is not null)
            {
                return existing.TenantId == tenant.Id
                    ? AllocatedNumberResponse.From(existing)
                    : throw new ConflictException($"{number} is allocated to tenant {existing.TenantId}; release it there first.");
            }
            var allocated = new InboundNumber { Id = Ids.New(), PhoneNumber = number, TenantId = tenant.Id, CreatedAt = time.GetUtcNow().UtcDateTime };
            try
            {
                // The unique index on phone_number decides a race between two allocations; the loser reads the winner.
                await db.InboundNumbers.InsertOneAsync(allocated, cancellationToken: ct);
                return AllocatedNumberResponse.From(allocated);
            }
            catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey && attempt == 0)
            {
            }
        }
    }

    /// <summary>Takes the number back from the tenant, with its mapping: inbound calls to it are no longer answered.</summary>
    public async Task ReleaseAsync(string tenantId, string number, CancellationToken ct)
    {
        number = Number(number);
        var tenant = await TenantAsync(tenantId, ct);
        var released = await db.InboundNumbers.DeleteOneAsync(n => n.PhoneNumber == number && n.TenantId == tenant.Id, ct);
        if (released.DeletedCount == 0) throw new NotFoundException("Inbound number");
    }

    public async Task<TenantLimitsResponse> GetLimitsAsync(string tenantId, CancellationToken ct) => Limits(await TenantAsync(tenantId, ct));

    /// <summary>Replaces the tenant's limits; a null value goes back to the default.</summary>
    public async Task<TenantLimitsResponse> SetLimitsAsync(string tenantId, TenantLimitsRequest request, CancellationToken ct)
    {
        var v = new Validation();
        if (request.MaxConcurrentCalls is < 0 or > MaxConcurrentCallsLimit) v.Add("max_concurrent_calls", $"must be between 0 and {MaxConcurrentCallsLimit}, or null for the default.");
        if (request.CallsPerSecond is { } rate && (double.IsNaN(rate) || rate <= 0 || rate > MaxCallsPerSecond)) v.Add("calls_per_second", $"must be above 0 and at most {MaxCallsPerSecond}, or null for the default.");
        v.ThrowIfInvalid();
        var id = Ids.Parse(tenantId, "tenant_id");
        var tenant = await db.Tenants.FindOneAndUpdateAsync(t => t.Id == id,
            Builders<Tenant>.Update.Set(t => t.MaxConcurrentCalls, request.MaxConcurrentCalls).Set(t => t.CallsPerSecond, request.CallsPerSecond),
            new FindOneAndUpdateOptions<Tenant> { ReturnDocument = ReturnDocument.After }, ct) ?? throw new NotFoundException("Tenant");
        return Limits(tenant);
    }

    private TenantLimitsResponse Limits(Tenant t) => new(
        t.Id, t.MaxConcurrentCalls, t.CallsPerSecond,
        slots.CapOf(t), t.CallsPerSecond ?? dialer.Value.TenantCallsPerSecond);

    private async Task<Tenant> TenantAsync(string tenantId, CancellationToken ct)
    {
        var id = Ids.Parse(tenantId, "tenant_id");
        return await db.Tenants.Find(t => t.Id == id).FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Tenant");
    }

    private static string Number(string number)
    {
        number = Uri.UnescapeDataString(number);
        return PhoneNumbers.IsValid(number) ? number : throw new ValidationException("phone_number", "must be an E.164 number such as +14155550123.");
    }
}
