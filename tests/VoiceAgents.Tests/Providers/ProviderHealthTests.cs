using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>What the operator's /health says of each provider: what its descriptor says, without calling the vendor.</summary>
[Collection(VoiceCollection.Name)]
public sealed class ProviderHealthTests(VoiceFixture voice)
{
    [Fact]
    public async Task Health_lists_every_provider_by_kind_and_name_with_its_state_and_stays_ready_with_vendors_unconfigured()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(voice.HealthUri);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        var providers = body["providers"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        Assert.Equal(ProviderDescriptors.All.Select(d => d.Key).Order(), providers.Keys.Order());
        // The fixture gives OpenAI a key (at a closed port): configured says nothing of whether the vendor answers.
        Assert.Equal("configured", providers["llm.openai"]);
        Assert.Equal("not_configured", providers["tts.cartesia"]);
        Assert.Equal("healthy", providers["llm.rules"]);
    }
}
