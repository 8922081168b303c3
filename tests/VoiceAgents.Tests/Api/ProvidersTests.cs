using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ProvidersTests(ApiFixture api)
{
    private async Task<JsonNode> RegistryAsync(TenantSession tenant)
    {
        using var client = tenant.Client();
        return await TenantSession.Read(await client.GetAsync("providers"), 200);
    }

    [Fact]
    public async Task Registry_lists_the_llm_stt_and_tts_providers()
    {
        var registry = await RegistryAsync(await api.SignupAsync("providers"));
        Assert.Equal(new[] { "openai", "anthropic", "openai_compatible", "rules" }, Names(registry, "llm"));
        Assert.Equal(new[] { "deepgram", "google", "ai4bharat", "local" }, Names(registry, "stt"));
        Assert.Equal(new[] { "cartesia", "google", "ai4bharat", "local" }, Names(registry, "tts"));
    }

    [Fact]
    public async Task Every_provider_has_a_label_an_offline_flag_and_its_options()
    {
        var registry = await RegistryAsync(await api.SignupAsync("providers"));
        foreach (var kind in new[] { "llm", "stt", "tts" })
        {
            foreach (var provider in registry[kind]!.AsArray())
            {
                Assert.False(string.IsNullOrWhiteSpace(provider!["label"]?.GetValue<string>()), $"{kind} {provider["name"]} has no label");
                Assert.NotNull(provider["offline"]?.GetValue<bool>());
                var options = provider["options"]!.AsArray();
                foreach (var option in options)
                {
                    Assert.False(string.IsNullOrWhiteSpace(option!["name"]?.GetValue<string>()));
                    Assert.False(string.IsNullOrWhiteSpace(option["type"]?.GetValue<string>()));
                }
            }
        }
        Assert.Contains("model", OptionNames(registry, "llm", "openai"));
        Assert.Contains("temperature", OptionNames(registry, "llm", "anthropic"));
        Assert.Contains("language", OptionNames(registry, "stt", "deepgram"));
        Assert.Contains("voice", OptionNames(registry, "tts", "cartesia"));
        Assert.Contains("speed", OptionNames(registry, "tts", "local"));
        Assert.True(Provider(registry, "llm", "rules")["offline"]!.GetValue<bool>());
        Assert.False(Provider(registry, "llm", "openai")["offline"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Local_tts_voice_is_a_closed_list_that_agents_are_held_to()
    {
        var tenant = await api.SignupAsync("providers");
        var registry = await RegistryAsync(tenant);
        var voice = Provider(registry, "tts", "local")["options"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "voice")!;
        Assert.True(voice["closed"]!.GetValue<bool>());
        var voices = voice["values"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Contains("slt", voices);

        using var client = tenant.Client();
        foreach (var allowed in voices)
        {
            var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(Agent(tts: new { provider = "local", voice = allowed, speed = 1.0 }))), 201);
            Assert.Equal(allowed, agent["tts"]!["voice"]!.GetValue<string>());
        }
        await Problems.AssertProblem(
            await client.PostAsync("agents", ApiFixture.Json(Agent(tts: new { provider = "local", voice = "not-a-flite-voice", speed = 1.0 }))), 400, "tts.voice");
    }

    [Fact]
    public async Task Every_listed_provider_is_accepted_for_an_agent()
    {
        var tenant = await api.SignupAsync("providers");
        var registry = await RegistryAsync(tenant);
        using var client = tenant.Client();
        foreach (var llm in Names(registry, "llm"))
        {
            var model = llm == "rules" ? null : FirstValue(registry, "llm", llm, "model") ?? "my-model";
            var body = Agent(llm: new { provider = llm, model, temperature = 0.5 });
            var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(body)), 201);
            Assert.Equal(llm, agent["llm"]!["provider"]!.GetValue<string>());
        }
        foreach (var stt in Names(registry, "stt"))
        {
            var body = Agent(stt: new { provider = stt, language = FirstValue(registry, "stt", stt, "language") });
            var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(body)), 201);
            Assert.Equal(stt, agent["stt"]!["provider"]!.GetValue<string>());
        }
        foreach (var tts in Names(registry, "tts"))
        {
            var body = Agent(tts: new { provider = tts, voice = FirstValue(registry, "tts", tts, "voice") ?? "voice-id", speed = 1.0 });
            var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(body)), 201);
            Assert.Equal(tts, agent["tts"]!["provider"]!.GetValue<string>());
        }
    }

    private static object Agent(object? llm = null, object? stt = null, object? tts = null) => new
    {
        name = "Provider check",
        llm = llm ?? new { provider = "rules", model = (string?)null, temperature = 0.2 },
        stt = stt ?? new { provider = "local", language = (string?)"en-US" },
        tts = tts ?? new { provider = "local", voice = "slt", speed = 1.0 },
    };

    private static List<string> Names(JsonNode registry, string kind) =>
        registry[kind]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();

    private static JsonNode Provider(JsonNode registry, string kind, string name) =>
        registry[kind]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;

    private static List<string> OptionNames(JsonNode registry, string kind, string name) =>
        Provider(registry, kind, name)["options"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()).ToList();

    private static string? FirstValue(JsonNode registry, string kind, string name, string option) =>
        Provider(registry, kind, name)["options"]!.AsArray()
            .FirstOrDefault(o => o!["name"]!.GetValue<string>() == option)?["values"]?.AsArray().FirstOrDefault()?.GetValue<string>();
}
