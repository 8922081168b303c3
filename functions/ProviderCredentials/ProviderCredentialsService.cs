using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Net;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Webhooks;

namespace VoiceAgents.Functions.ProviderCredentials;

/// <summary>An admin stores, replaces, lists and deletes the tenant's own vendor keys; each is sealed before it is stored.</summary>
public sealed class ProviderCredentialsService(
    MongoContext db, CurrentUser current, TimeProvider time, CredentialCipher cipher, SsrfGuard targets, ProviderKeyVerifier verifier,
    IOptions<CredentialOptions> options)
{
    public const int MaxKeyLength = 4_000;

    public async Task<ProviderCredentialList> ListAsync(CancellationToken ct)
    {
        var stored = await db.ProviderCredentials.Find(c => c.TenantId == current.TenantId).ToListAsync(ct);
        return new ProviderCredentialList([.. stored.OrderBy(c => Order(c.Provider)).Select(ProviderCredentialResponse.From)]);
    }

    public async Task<ProviderCredentialResponse> PutAsync(string provider, ProviderCredentialRequest r, CancellationToken ct)
    {
        var name = KnownProvider(provider);
        var v = new Validation();
        if (v.Required("api_key", r.ApiKey, MaxKeyLength) && r.ApiKey!.Trim().Length < 8) v.Add("api_key", "must be at least 8 characters.");
        Uri? baseUrl = null;
        if (name == CredentialProviders.OpenAiCompatible || (name == CredentialProviders.Ai4Bharat && !string.IsNullOrWhiteSpace(r.BaseUrl)))
        {
            baseUrl = WebhookValidator.TargetUrl(v, "base_url", r.BaseUrl);
        }
        else if (r.BaseUrl is not null)
        {
            v.Add("base_url", $"is only for {CredentialProviders.OpenAiCompatible} and {CredentialProviders.Ai4Bharat}.");
        }
        if (name == CredentialProviders.Twilio)
        {
            if (v.Required("account_sid", r.AccountSid, 34) && !System.Text.RegularExpressions.Regex.IsMatch(r.AccountSid!, "^AC[0-9a-fA-F]{32}$"))
            {
                v.Add("account_sid", "must be a Twilio account SID: AC and 32 hexadecimal digits.");
            }
            if (r.FromNumber is not null && !PhoneNumbers.IsValid(r.FromNumber)) v.Add("from_number", "must be a phone number in E.164 form, like +14155550100.");
        }
        else
        {
            if (r.AccountSid is not null) v.Add("account_sid", $"is only for {CredentialProviders.Twilio}.");
            if (r.FromNumber is not null) v.Add("from_number", $"is only for {CredentialProviders.Twilio}.");
        }
        v.ThrowIfInvalid();
        if (baseUrl is not null && await targets.RefusalAsync(baseUrl, ct) is { } refused) throw new ValidationException("base_url", refused);
        if (!cipher.Configured)
        {
            throw new ServiceUnavailableException("Tenants' provider keys are off on this deployment: the operator has set no master key (Credentials:ActiveKeyId).");
        }

        var key = r.ApiKey!.Trim();
        var verified = await verifier.VerifyAsync(name, key, baseUrl, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var update = Builders<ProviderCredential>.Update
            .Set(c => c.Key, cipher.Seal(current.TenantId, name, key))
            .Set(c => c.Last4, key[^4..])
            .Set(c => c.BaseUrl, baseUrl?.ToString().TrimEnd('/'))
            .Set(c => c.AccountSid, r.AccountSid)
            .Set(c => c.FromNumber, r.FromNumber)
            .Set(c => c.Verified, verified)
            .Set(c => c.UpdatedAt, now)
            .SetOnInsert(c => c.CreatedAt, now);
        var upsert = new FindOneAndUpdateOptions<ProviderCredential> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        ProviderCredential stored;
        try
        {
            stored = await db.ProviderCredentials.FindOneAndUpdateAsync<ProviderCredential>(c => c.TenantId == current.TenantId && c.Provider == name, update, upsert, ct);
        }
        catch (MongoCommandException e) when (e.Code == 11000)
        {
            // Two first saves raced to create it (the unique tenant and provider index); the loser replaces the winner's.
            stored = await db.ProviderCredentials.FindOneAndUpdateAsync<ProviderCredential>(c => c.TenantId == current.TenantId && c.Provider == name, update, upsert, ct);
        }
        return ProviderCredentialResponse.From(stored);
    }

    public async Task DeleteAsync(string provider, CancellationToken ct)
    {
        var name = KnownProvider(provider);
        var deleted = await db.ProviderCredentials.DeleteOneAsync(c => c.TenantId == current.TenantId && c.Provider == name, ct);
        if (deleted.DeletedCount == 0) throw new NotFoundException("provider credential");
    }

    /// <summary>Per provider, whether this tenant's calls have a key to use (<c>GET /providers</c>).</summary>
    public async Task<IReadOnlyList<ProviderKeyStatus>> KeysAsync(CancellationToken ct)
    {
        var own = (await db.ProviderCredentials.Find(c => c.TenantId == current.TenantId).Project(c => c.Provider).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return [.. CredentialProviders.All.Select(p =>
        {
            var platform = options.Value.PlatformKeyAllowed(p);
            return new ProviderKeyStatus(p, own.Contains(p), platform, own.Contains(p) || platform);
        })];
    }

    private static string KnownProvider(string provider)
    {
        var name = provider.Trim().ToLowerInvariant().Replace('-', '_');
        if (!CredentialProviders.All.Contains(name))
        {
            throw new ValidationException("provider", $"must be one of: {string.Join(", ", CredentialProviders.All)}.");
        }
        return name;
    }

    private static int Order(string provider) => CredentialProviders.All.ToList().IndexOf(provider);
}
