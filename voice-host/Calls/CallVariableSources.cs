using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Where a call's stored variables come from: the campaign contact of the number it calls, or the inbound number it
/// came in on. Both were checked against <c>CallVariables</c>' limits when they were saved.
/// </summary>
public sealed class CallVariableSources(MongoContext db)
{
    /// <summary>The variables of <paramref name="phoneNumber"/>'s contact in the tenant's campaign, if it has any.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> CampaignContactAsync(string tenantId, string? campaignId, string? phoneNumber, CancellationToken ct)
    {
        if (campaignId is null || phoneNumber is null) return null;
        // Only the one contact: a campaign document carries its whole list, which may run to thousands.
        var campaign = await db.Campaigns.Find(c => c.Id == campaignId && c.TenantId == tenantId)
            .Project<Campaign>(Builders<Campaign>.Projection.ElemMatch(c => c.Contacts, x => x.PhoneNumber == phoneNumber))
            .FirstOrDefaultAsync(ct);
        return campaign?.Contacts?.FirstOrDefault(x => x.PhoneNumber == phoneNumber)?.Variables;
    }

    /// <summary>The variables of the tenant's inbound number <paramref name="calledNumber"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> InboundNumberAsync(string tenantId, string? calledNumber, CancellationToken ct)
    {
        if (calledNumber is null) return null;
        return await db.InboundNumbers.Find(n => n.PhoneNumber == calledNumber && n.TenantId == tenantId)
            .Project(n => n.Variables).FirstOrDefaultAsync(ct);
    }
}
