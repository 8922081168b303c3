using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Providers.Ai4Bharat;
using VoiceAgents.VoiceHost.Providers.Deepgram;
using VoiceAgents.VoiceHost.Providers.Google;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Wires the cloud speech-to-text providers; their keys and endpoints come from configuration only.</summary>
public static class CloudSttSetup
{
    public static IServiceCollection AddCloudStt(this IServiceCollection services)
    {
        services.AddOptions<DeepgramSttOptions>().BindConfiguration(DeepgramSttOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GoogleSttOptions>().BindConfiguration(GoogleSttOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Ai4BharatSttOptions>().BindConfiguration(Ai4BharatSttOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Each call sets its own deadline, so a timeout is told apart from a cancellation.
        services.AddHttpClient(GoogleStt.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(Ai4BharatStt.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);

        services.AddKeyedSingleton<ISttProvider, DeepgramStt>(DeepgramStt.ProviderName);
        services.AddKeyedSingleton<ISttProvider, GoogleStt>(GoogleStt.ProviderName);
        services.AddKeyedSingleton<ISttProvider, Ai4BharatStt>(Ai4BharatStt.ProviderName);
        return services;
    }

    /// <summary>Adds <c>stt.&lt;name&gt;</c> = configured / not_configured for each cloud provider (no network probe).</summary>
    public static void ReportCloudStt(IServiceProvider services, IDictionary<string, string> providers)
    {
        Report(providers, DeepgramStt.ProviderName, services.GetRequiredService<IOptions<DeepgramSttOptions>>().Value.ApiKey);
        Report(providers, GoogleStt.ProviderName, services.GetRequiredService<IOptions<GoogleSttOptions>>().Value.ApiKey);
        Report(providers, Ai4BharatStt.ProviderName, services.GetRequiredService<IOptions<Ai4BharatSttOptions>>().Value.BaseUrl);
    }

    private static void Report(IDictionary<string, string> providers, string name, string? setting) =>
        providers[$"stt.{name}"] = string.IsNullOrWhiteSpace(setting) ? "not_configured" : "configured";
}
