using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// The tenant's own keys for the vendors a call's agent names (its providers and fallbacks), opened at call setup. A
/// vendor the tenant has no key for runs on the platform's key only where the operator allows it
/// (<c>Credentials:AllowPlatformKey:&lt;provider&gt;</c>); otherwise the call is refused before it starts.
/// </summary>
public sealed partial class CallProviderKeys(TenantProviderKeys store, IOptions<CredentialOptions> options, ILogger<CallProviderKeys> log)
{
    public async Task<IReadOnlyDictionary<string, ProviderKey>> ForCallAsync(string tenantId, Agent agent, CancellationToken ct)
    {
        var vendors = new[] { agent.Llm.Provider, agent.Llm.FallbackProvider, agent.Stt.Provider, agent.Stt.FallbackProvider, agent.Tts.Provider, agent.Tts.FallbackProvider }
            .OfType<string>().Where(CredentialProviders.IsVendor).Distinct(StringComparer.Ordinal).ToList();
        var started = Stopwatch.GetTimestamp();
        IReadOnlyDictionary<string, ProviderKey> keys;
        try
        {
            keys = await store.LoadAsync(tenantId, vendors, ct);
        }
        catch (CryptographicException e)
        {
            // Its master key was removed before a rotation re-sealed it, or the record was tampered with.
            LogUnopenable(e, tenantId);
            throw new CallRefusedException("the tenant's provider keys cannot be opened on this voice-host");
        }
        LogOpened(keys.Count, tenantId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        foreach (var vendor in vendors)
        {
            if (!keys.ContainsKey(vendor) && !options.Value.PlatformKeyAllowed(vendor))
            {
                throw new CallRefusedException($"provider {vendor} needs the tenant's own key: store one at /api/provider-credentials/{vendor}");
            }
        }
        return keys;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {TenantId}'s provider keys could not be opened")]
    private partial void LogUnopenable(Exception e, string tenantId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Opened {Count} provider keys of tenant {TenantId} in {Milliseconds:0.000} ms")]
    private partial void LogOpened(int count, string tenantId, double milliseconds);
}
