using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>Each provider is described once, by itself, and everything is wired from that description.</summary>
public sealed class ProviderDescriptorTests
{
    private static ServiceProvider Services() =>
        new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddLogging().AddProviders().BuildServiceProvider();

    [Fact]
    public void Every_provider_in_voice_host_declares_a_descriptor_and_is_found_by_it()
    {
        var providers = typeof(IDescribedProvider).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsNested: false }
                && t.Namespace?.StartsWith("VoiceAgents.VoiceHost.Providers.", StringComparison.Ordinal) == true
                && (t.IsAssignableTo(typeof(ISttProvider)) || t.IsAssignableTo(typeof(ILlmProvider)) || t.IsAssignableTo(typeof(ITtsProvider))))
            .ToList();

        Assert.Equal(12, providers.Count);
        Assert.All(providers, t => Assert.True(t.IsAssignableTo(typeof(IDescribedProvider)), $"{t.Name} has no descriptor"));
        Assert.Equal(providers.ToHashSet(), ProviderDescriptors.All.Select(d => d.ProviderType).ToHashSet());
        Assert.Equal(
            ["stt.deepgram", "stt.google", "stt.ai4bharat", "stt.local", "llm.openai", "llm.anthropic", "llm.openai_compatible", "llm.rules",
             "tts.cartesia", "tts.google", "tts.ai4bharat", "tts.local"],
            ProviderDescriptors.All.Select(d => d.Key));
    }

    [Fact]
    public void Each_provider_is_registered_under_its_name_as_its_own_type()
    {
        using var services = Services();

        foreach (var d in ProviderDescriptors.All)
        {
            object provider = d.Kind switch
            {
                ProviderKind.Stt => services.GetRequiredKeyedService<ISttProvider>(d.Name),
                ProviderKind.Llm => services.GetRequiredKeyedService<ILlmProvider>(d.Name),
                _ => services.GetRequiredKeyedService<ITtsProvider>(d.Name),
            };
            Assert.IsType(d.ProviderType, provider);
        }
    }

    [Fact]
    public void Every_vendor_has_a_named_http_client_whose_calls_set_their_own_deadlines()
    {
        using var services = Services();
        var factory = services.GetRequiredService<IHttpClientFactory>();

        foreach (var d in ProviderDescriptors.All.Where(d => !d.Info.Offline))
        {
            using var client = factory.CreateClient(d.Key);
            Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
        }
        // An unregistered name gets the factory's default client, with its 100 s timeout.
        using var other = factory.CreateClient("tts.nobody");
        Assert.Equal(TimeSpan.FromSeconds(100), other.Timeout);
    }

    [Fact]
    public void Every_vendor_names_the_settings_that_turn_it_on_and_they_are_settings_it_binds()
    {
        foreach (var d in ProviderDescriptors.All.Where(d => !d.Info.Offline))
        {
            Assert.NotEmpty(d.Settings);
            Assert.All(d.EnvironmentVariables, s => Assert.Contains(s, Deployment.ConfigurationKeys.Bound));
        }
    }
}
