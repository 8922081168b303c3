using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Credentials;

/// <summary>
/// Re-seals every stored credential that is not under the active master key, so the old key can then be removed
/// from the settings. Each write is guarded on the key id it read, so a credential replaced meanwhile is left as
/// its new writer sealed it; running it again finishes what an interrupted run left.
/// </summary>
public sealed class CredentialRotation(MongoContext db, CredentialCipher cipher)
{
    public async Task<CredentialRotationResult> RotateAsync(CancellationToken ct)
    {
        var active = cipher.ActiveKeyId ?? throw new InvalidOperationException("No master key is set (Credentials:ActiveKeyId).");
        var rotated = 0;
        var filter = Builders<ProviderCredential>.Filter.Ne("key.key_id", active);
        using var cursor = await db.ProviderCredentials.Find(filter).ToCursorAsync(ct);
        while (await cursor.MoveNextAsync(ct))
        {
            foreach (var c in cursor.Current)
            {
                var resealed = cipher.Seal(c.TenantId, c.Provider, cipher.Open(c.TenantId, c.Provider, c.Key));
                var result = await db.ProviderCredentials.UpdateOneAsync(
                    Builders<ProviderCredential>.Filter.Eq(x => x.Id, c.Id) & Builders<ProviderCredential>.Filter.Eq("key.key_id", c.Key.KeyId),
                    Builders<ProviderCredential>.Update.Set(x => x.Key, resealed), cancellationToken: ct);
                rotated += (int)result.ModifiedCount;
            }
        }
        var remaining = await db.ProviderCredentials.CountDocumentsAsync(filter, cancellationToken: ct);
        return new CredentialRotationResult(active, rotated, remaining);
    }
}
