using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Credentials;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// A provider with settings: <typeparamref name="TOptions"/>, bound from <see cref="ProviderDescriptor.Section"/> and
/// validated (data annotations) at start. A vendor says from them whether it <see cref="IsConfigured"/>.
/// </summary>
public sealed class ProviderDescriptor<TProvider, TOptions> : ProviderDescriptor<TProvider>
    where TProvider : class, IDescribedProvider where TOptions : class
{
    /// <summary>Whether the settings let it work (a key, a server URL); unset for an offline provider, which says <see cref="ProviderDescriptor{TProvider}.Available"/>.</summary>
    public Func<TOptions, bool>? IsConfigured { get; init; }

    public override void Register(IServiceCollection services)
    {
        base.Register(services);
        services.AddOptions<TOptions>()
            .BindConfiguration(Section ?? throw new InvalidOperationException($"{Key} has settings but no Section."))
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }

    public override object? CreateWithKey(IServiceProvider services, ProviderKey key)
    {
        // A fresh copy of the deployment's settings (every Configure and validation applied), then the tenant's key
        // bound over it by setting name, as Settings names them: ApiKey, BaseUrl.
        var options = services.GetRequiredService<IOptionsFactory<TOptions>>().Create(Options.DefaultName);
        var overrides = new Dictionary<string, string?> { ["ApiKey"] = key.ApiKey };
        if (key.BaseUrl is not null) overrides["BaseUrl"] = key.BaseUrl;
        new ConfigurationBuilder().AddInMemoryCollection(overrides).Build().Bind(options);
        // A server the tenant named is connected to through the SSRF guard, every time (VendorHttp.AddClient).
        return key.BaseUrl is null
            ? ActivatorUtilities.CreateInstance(services, ProviderType, Options.Create(options))
            : ActivatorUtilities.CreateInstance(services, ProviderType, Options.Create(options), new TenantTargetClients(services.GetRequiredService<IHttpClientFactory>()));
    }

    public override HealthCheckResult Health(IServiceProvider services)
    {
        if (IsConfigured is null) return base.Health(services);
        return HealthCheckResult.Healthy(IsConfigured(services.GetRequiredService<IOptions<TOptions>>().Value) ? "configured" : "not_configured");
    }
}
