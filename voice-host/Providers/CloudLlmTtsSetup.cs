using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Providers.Ai4Bharat;
using VoiceAgents.VoiceHost.Providers.Anthropic;
using VoiceAgents.VoiceHost.Providers.Cartesia;
using VoiceAgents.VoiceHost.Providers.Google;
using VoiceAgents.VoiceHost.Providers.OpenAI;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// Registers the cloud and self-hosted LLM and TTS providers under the names agents use, with their settings bound
/// from <c>Providers:&lt;Vendor&gt;</c>. A provider whose settings lack a key or URL is still registered, and fails
/// its calls with a <see cref="ProviderException"/> that says what is missing.
/// </summary>
public static class CloudLlmTtsSetup
{
    public static IServiceCollection AddCloudLlmAndTts(this IServiceCollection services)
    {
        Bind<OpenAiOptions>(services, OpenAiOptions.Section, o => o.Timeout);
        Bind<OpenAiCompatibleOptions>(services, OpenAiCompatibleOptions.Section, o => o.Timeout);
        Bind<AnthropicOptions>(services, AnthropicOptions.Section, o => o.Timeout);
        Bind<CartesiaOptions>(services, CartesiaOptions.Section, o => o.Timeout);
        Bind<GoogleTtsOptions>(services, GoogleTtsOptions.Section, o => o.Timeout);
        Bind<Ai4BharatTtsOptions>(services, Ai4BharatTtsOptions.Section, o => o.Timeout);

        services.AddKeyedSingleton<ILlmProvider, OpenAiLlm>("openai");
        services.AddKeyedSingleton<ILlmProvider, OpenAiCompatibleLlm>("openai_compatible");
        services.AddKeyedSingleton<ILlmProvider, AnthropicLlm>("anthropic");
        services.AddKeyedSingleton<ITtsProvider, CartesiaTts>("cartesia");
        services.AddKeyedSingleton<ITtsProvider, GoogleTts>("google");
        services.AddKeyedSingleton<ITtsProvider, Ai4BharatTts>("ai4bharat");
        services.AddSingleton<CloudLlmTtsHealth>();
        return services;
    }

    private static void Bind<T>(IServiceCollection services, string section, Func<T, TimeSpan> timeout) where T : class =>
        services.AddOptions<T>().BindConfiguration(section)
            .Validate(o => timeout(o) > TimeSpan.Zero, $"{section}:Timeout must be positive")
            .ValidateOnStart();
}

/// <summary>For /health: whether each of these providers has the settings it needs (a key, or a server URL).</summary>
public sealed class CloudLlmTtsHealth(
    IOptions<OpenAiOptions> openAi,
    IOptions<OpenAiCompatibleOptions> openAiCompatible,
    IOptions<AnthropicOptions> anthropic,
    IOptions<CartesiaOptions> cartesia,
    IOptions<GoogleTtsOptions> google,
    IOptions<Ai4BharatTtsOptions> ai4bharat)
{
    public void Report(IDictionary<string, string> providers)
    {
        providers["llm.openai"] = State(openAi.Value.IsConfigured);
        providers["llm.openai_compatible"] = State(openAiCompatible.Value.IsConfigured);
        providers["llm.anthropic"] = State(anthropic.Value.IsConfigured);
        providers["tts.cartesia"] = State(cartesia.Value.IsConfigured);
        providers["tts.google"] = State(google.Value.IsConfigured);
        providers["tts.ai4bharat"] = State(ai4bharat.Value.IsConfigured);
    }

    private static string State(bool configured) => configured ? "configured" : "not_configured";
}
