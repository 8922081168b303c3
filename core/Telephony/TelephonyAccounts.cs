using Microsoft.Extensions.Options;
using VoiceAgents.Core.Credentials;

namespace VoiceAgents.Core.Telephony;

/// <summary>
/// Which Twilio account a tenant's calls use: its own (the <c>twilio</c> provider credential: a (sub)account SID, its
/// auth token and a caller id) or, when it stored none, the platform's where the operator allows it
/// (<c>Credentials:AllowPlatformKey:twilio</c>). Webhooks are verified with the account that signed them, which must
/// be the tenant's own or the platform's: one tenant's token never vouches for another tenant's call.
/// </summary>
public sealed class TelephonyAccounts(TenantProviderKeys keys, IOptions<TwilioOptions> twilio, IOptions<CredentialOptions> credentials)
{
    private static readonly string[] Twilio = [CredentialProviders.Twilio];

    /// <summary>The platform's account, when Twilio is configured.</summary>
    public TelephonyAccount? Platform
    {
        get
        {
            var o = twilio.Value;
            return o.Configured ? new TelephonyAccount(o.AccountSid, o.AuthToken, o.FromNumber.Length > 0 ? o.FromNumber : null, null) : null;
        }
    }

    /// <summary>The tenant's own account, if it stored one.</summary>
    public async Task<TelephonyAccount?> OwnAsync(string tenantId, CancellationToken ct)
    {
        var stored = await keys.LoadAsync(tenantId, Twilio, ct);
        return stored.TryGetValue(CredentialProviders.Twilio, out var key) && key.AccountSid is { } sid
            ? new TelephonyAccount(sid, key.ApiKey, key.FromNumber, tenantId)
            : null;
    }

    /// <summary>The account the tenant's calls are placed and redirected on; null when it has none and may not use the platform's.</summary>
    public async Task<TelephonyAccount?> ForTenantAsync(string tenantId, CancellationToken ct) =>
        await OwnAsync(tenantId, ct) ?? (credentials.Value.PlatformKeyAllowed(CredentialProviders.Twilio) ? Platform : null);

    /// <summary>
    /// The account that a webhook about the tenant's call claims to come from (its <c>AccountSid</c>), if it is the
    /// tenant's own or the platform's (numbers the operator allocated live on the platform's account).
    /// </summary>
    public async Task<TelephonyAccount?> ForWebhookAsync(string tenantId, string? accountSid, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(accountSid)) return null;
        if (Platform is { } platform && platform.AccountSid == accountSid) return platform;
        return await OwnAsync(tenantId, ct) is { } own && own.AccountSid == accountSid ? own : null;
    }

    /// <summary>
    /// The account a live phone call is redirected on: the one its stream came from (<paramref name="accountSid"/>,
    /// if it is the platform's or the tenant's own), else the tenant's; null when there is none.
    /// </summary>
    public Task<TelephonyAccount?> ForCallAsync(string tenantId, string? accountSid, CancellationToken ct) =>
        accountSid is not null ? ForWebhookAsync(tenantId, accountSid, ct) : ForTenantAsync(tenantId, ct);
}
