using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Credentials;

/// <summary>
/// Opens a tenant's stored keys for the providers a call is about to use. Nothing is cached: a key replaced or
/// deleted in the API applies to the next call, and opened keys live only as long as the call's providers.
/// </summary>
public sealed class TenantProviderKeys(MongoContext db, CredentialCipher cipher)
{
    public async Task<IReadOnlyDictionary<string, ProviderKey>> LoadAsync(string tenantId, IReadOnlyCollection<string> providers, CancellationToken ct)
    {
        if (providers.Count == 0) return new Dictionary<string, ProviderKey>();
        var names = providers.ToList();
        var stored = await db.ProviderCredentials.Find(c => c.TenantId == tenantId && names.Contains(c.Provider)).ToListAsync(ct);
        return stored.ToDictionary(c => c.Provider, c => new ProviderKey(c.Provider, cipher.Open(tenantId, c.Provider, c.Key), c.BaseUrl, c.AccountSid, c.FromNumber), StringComparer.Ordinal);
    }
}
