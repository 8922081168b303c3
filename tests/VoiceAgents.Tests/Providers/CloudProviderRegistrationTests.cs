using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Providers.Anthropic;
using VoiceAgents.VoiceHost.Providers.Cartesia;
using VoiceAgents.VoiceHost.Providers.OpenAI;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

public sealed class CloudProviderRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddProviders();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Each_provider_is_registered_under_the_name_agents_use()
    {
        using var services = Build([]);

        foreach (var name in new[] { "openai", "openai_compatible", "anthropic" })
        {
            Assert.Equal(name, services.GetRequiredKeyedService<ILlmProvider>(name).Name);
        }
        foreach (var name in new[] { "cartesia", "google", "ai4bharat" })
        {
            Assert.Equal(name, services.GetRequiredKeyedService<ITtsProvider>(name).Name);
        }
    }

    [Fact]
    public void Settings_bind_from_the_providers_section()
    {
        using var services = Build(new()
        {
            ["Providers:OpenAI:ApiKey"] = "sk-1",
            ["Providers:OpenAI:Timeout"] = "00:00:04",
            ["Providers:Cartesia:Model"] = "sonic-2",
            ["Providers:Cartesia:Version"] = "2024-11-13",
        });

        var openAi = services.GetRequiredService<IOptions<OpenAiOptions>>().Value;
        Assert.Equal("sk-1", openAi.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(4), openAi.Timeout);
        Assert.Equal("https://api.openai.com/v1", OpenAiOptions.DefaultBaseUrl);
        var cartesia = services.GetRequiredService<IOptions<CartesiaOptions>>().Value;
        Assert.Equal("sonic-2", cartesia.Model);
        Assert.Equal("2024-11-13", cartesia.Version);
        Assert.Equal("wss://api.cartesia.ai", cartesia.BaseUrl);
    }

    [Fact]
    public void Health_reports_each_provider_as_configured_or_not()
    {
        using var services = Build(new()
        {
            ["Providers:OpenAI:ApiKey"] = "sk-1",
            ["Providers:OpenAICompatible:BaseUrl"] = "http://127.0.0.1:8080/v1",
            ["Providers:Google:ApiKey"] = "g-1",
        });

        var providers = ProviderDescriptors.All.Where(p => p.Kind != ProviderKind.Stt && !p.Info.Offline)
            .ToDictionary(p => p.Key, p => p.Health(services).Description);

        Assert.Equal(new Dictionary<string, string?>
        {
            ["llm.openai"] = "configured",
            ["llm.openai_compatible"] = "configured",
            ["llm.anthropic"] = "not_configured",
            ["tts.cartesia"] = "not_configured",
            ["tts.google"] = "configured",
            ["tts.ai4bharat"] = "not_configured",
        }, providers);
    }

    [Fact]
    public void A_non_positive_timeout_is_rejected()
    {
        using var services = Build(new() { ["Providers:Anthropic:Timeout"] = "00:00:00" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<VoiceAgents.VoiceHost.Providers.Anthropic.AnthropicOptions>>().Value);
    }
}
