using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Tests.Providers;

public sealed class CloudSttSetupTests
{
    [Fact]
    public void AddVoiceHost_registers_the_cloud_stt_providers_under_their_agent_names()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddVoiceHost(configuration);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ProviderFactory>();

        foreach (var name in new[] { "deepgram", "google", "ai4bharat" })
        {
            var agent = new Agent { Id = "a", TenantId = "t", UserId = "u", Name = "A", Stt = new SttConfig { Provider = name } };
            Assert.Equal(name, factory.Stt(agent).Name);
        }
    }

    [Fact]
    public void Health_reports_each_cloud_stt_provider_as_configured_or_not()
    {
        using var services = Loopback.SttServices(new Dictionary<string, string?>
        {
            ["Providers:Deepgram:ApiKey"] = "dg-key",
            ["Providers:Ai4Bharat:BaseUrl"] = "http://127.0.0.1:9",
        });

        var providers = ProviderDescriptors.Of(ProviderKind.Stt).ToDictionary(p => p.Key, p => p.Health(services).Description);

        Assert.Equal("configured", providers["stt.deepgram"]);
        Assert.Equal("not_configured", providers["stt.google"]);
        Assert.Equal("configured", providers["stt.ai4bharat"]);
    }
}
