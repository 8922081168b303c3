namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Wires every provider from its descriptor, and what turns an agent's choice of them into working ones.</summary>
public static class ProviderSetup
{
    /// <summary>
    /// Registers each provider under the name agents use, with its settings bound from its section and its HTTP
    /// client. A vendor whose settings lack a key or URL is still registered, and fails its calls with a
    /// <see cref="ProviderException"/> that says what is missing.
    /// </summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        foreach (var provider in ProviderDescriptors.All) provider.Register(services);
        services.AddOptions<ResilienceOptions>().BindConfiguration(ResilienceOptions.Section);
        services.AddSingleton<ProviderResilience>();
        services.AddSingleton<ProviderFactory>();
        return services;
    }
}
