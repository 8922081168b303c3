using MongoDB.Driver;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Functions.Auth;

namespace VoiceAgents.Functions.ApiKeys;

/// <summary>An admin creates, lists and revokes the tenant's API keys. The secret is returned once, at creation.</summary>
public sealed class ApiKeysService(MongoContext db, ApiKeyAuthenticator authenticator, CurrentUser current, TimeProvider time)
{
    public async Task<ApiKeyCreated> CreateAsync(CreateApiKeyRequest request, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("name", request.Name, 100);
        if (request.Scopes is not { Length: > 0 }) v.Add("scopes", $"at least one of {string.Join(", ", ApiKeyScopes.All)} is required.");
        else
        {
            for (var i = 0; i < request.Scopes.Length; i++) v.OneOf($"scopes[{i}]", request.Scopes[i], ApiKeyScopes.All);
        }
        v.ThrowIfInvalid();

        var secret = OpaqueSecret.New(ApiKeyAuthenticator.SecretPrefix);
        var key = new ApiKey
        {
            Id = Ids.New(),
            TenantId = current.TenantId,
            Name = request.Name!.Trim(),
            Scopes = ApiKeyScopes.All.Where(request.Scopes!.Contains).ToArray(),
            Prefix = secret[..ApiKeyAuthenticator.PrefixLength],
            SecretHash = OpaqueSecret.Hash(secret),
            CreatedBy = current.UserId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await db.ApiKeys.InsertOneAsync(key, cancellationToken: ct);
        return new ApiKeyCreated(key.Id, key.Name, key.Scopes, key.Prefix, secret, key.CreatedAt);
    }

    public async Task<ApiKeyList> ListAsync(CancellationToken ct)
    {
        var keys = await db.ApiKeys.Find(k => k.TenantId == current.TenantId).SortByDescending(k => k.CreatedAt).Limit(1000).ToListAsync(ct);
        return new ApiKeyList(keys.Select(ApiKeyResponse.From).ToList());
    }

    /// <summary>Revokes the key (again is fine); listed afterwards with its <c>revoked_at</c>.</summary>
    public async Task RevokeAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var key = await db.ApiKeys.FindOneAndUpdateAsync(
                k => k.Id == id && k.TenantId == current.TenantId && k.RevokedAt == null,
                Builders<ApiKey>.Update.Set(k => k.RevokedAt, time.GetUtcNow().UtcDateTime), cancellationToken: ct)
            ?? await db.ApiKeys.Find(k => k.Id == id && k.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("API key");
        await authenticator.ForgetAsync(key.SecretHash, ct);
    }
}
