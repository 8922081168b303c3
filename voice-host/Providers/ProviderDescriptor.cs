using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Providers;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// All the platform knows of one provider, declared once, by the provider (<see cref="IDescribedProvider"/>): its
/// entry in <c>GET /providers</c> (name, label, the options an agent may set), its settings, which of them a
/// deployment passes, how it is registered and what /health says of it. <see cref="ProviderSetup.AddProviders"/>,
/// the health checks, the registry in core (written from these by a test) and so agent validation read it.
/// Declare one with <see cref="ProviderDescriptor{TProvider}"/> or <see cref="ProviderDescriptor{TProvider, TOptions}"/>.
/// </summary>
public abstract class ProviderDescriptor
{
    private protected ProviderDescriptor()
    {
    }

    /// <summary>What <c>GET /providers</c> lists and agents are validated against; <see cref="ProviderInfo.Name"/> is what agents name.</summary>
    public required ProviderInfo Info { get; init; }

    /// <summary>Its place in <c>GET /providers</c> among the providers of its kind, which the dashboard lists in that order.</summary>
    public required int Order { get; init; }

    /// <summary>The configuration section its settings bind from (<c>Providers:Deepgram</c>); none for a provider without settings.</summary>
    public string? Section { get; init; }

    /// <summary>
    /// The settings under <see cref="Section"/> that turn it on in a deployment (a key, a self-hosted server's URL):
    /// infra/main.bicep and infra/docker-compose.yml pass each of them to voice-host.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    public string Name => Info.Name;

    public abstract ProviderKind Kind { get; }

    public abstract Type ProviderType { get; }

    /// <summary>Its kind and name, <c>stt.deepgram</c>: its entry in /health's providers and the name of its HTTP client.</summary>
    public string Key => $"{Kind.ToString().ToLowerInvariant()}.{Name}";

    /// <summary>The settings of <see cref="Settings"/> as environment variables, <c>Providers__Deepgram__ApiKey</c>.</summary>
    public IEnumerable<string> EnvironmentVariables => Settings.Select(s => $"{Section!.Replace(":", "__", StringComparison.Ordinal)}__{s}");

    /// <summary>
    /// Registers it under its <see cref="Name"/> (a keyed singleton of its kind), with its settings and, for a
    /// vendor (not <see cref="ProviderInfo.Offline"/>), its HTTP client.
    /// </summary>
    public virtual void Register(IServiceCollection services)
    {
        var service = Kind switch
        {
            ProviderKind.Stt => typeof(ISttProvider),
            ProviderKind.Llm => typeof(ILlmProvider),
            _ => typeof(ITtsProvider),
        };
        services.Add(ServiceDescriptor.KeyedSingleton(service, Name, ProviderType));
        if (!Info.Offline) VendorHttp.AddClient(services, Key);
    }

    /// <summary>
    /// A new instance of it for one call, on a tenant's own key (and server, where the key names one) over this
    /// deployment's other settings; null for a provider that takes no key.
    /// </summary>
    public virtual object? CreateWithKey(IServiceProvider services, ProviderKey key) => null;

    /// <summary>
    /// What /health says of it, without calling the vendor: an offline provider is <c>healthy</c> or (degraded)
    /// <c>unavailable</c> as its engine loads or not; a vendor is <c>configured</c> or <c>not_configured</c>.
    /// </summary>
    public abstract HealthCheckResult Health(IServiceProvider services);

    private protected static ProviderKind KindOf(Type provider)
    {
        var kinds = new[] { (typeof(ISttProvider), ProviderKind.Stt), (typeof(ILlmProvider), ProviderKind.Llm), (typeof(ITtsProvider), ProviderKind.Tts) }
            .Where(k => k.Item1.IsAssignableFrom(provider)).Select(k => k.Item2).ToList();
        return kinds.Count == 1 ? kinds[0] : throw new InvalidOperationException($"{provider.Name} must be exactly one of an STT, LLM or TTS provider.");
    }
}
