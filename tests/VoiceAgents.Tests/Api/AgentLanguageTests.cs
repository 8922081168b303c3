using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// A bare language is accepted wherever the speech-to-text provider has a default region for it, and stored as that
/// region (<c>en</c> → <c>en-US</c>); a language it cannot take is refused with the values it can.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AgentLanguageTests(ApiFixture api)
{
    /// <summary>A valid agent with its language and speech-to-text replaced; a null language is left out.</summary>
    private static JsonObject Agent(string? language, string sttProvider, string? sttLanguage)
    {
        var agent = (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TenantSession.ValidAgent(), Core.Json.JsonDefaults.Options))!;
        agent.Remove("language");
        if (language is not null) agent["language"] = language;
        var stt = new JsonObject { ["provider"] = sttProvider };
        if (sttLanguage is not null) stt["language"] = sttLanguage;
        agent["stt"] = stt;
        return agent;
    }

    private async Task<JsonNode> CreateAsync(JsonObject agent, int status)
    {
        var tenant = await api.SignupAsync("agent-language");
        using var client = tenant.Client();
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), status);
        if (status == 201)
        {
            // What is stored is what is read back.
            var read = await TenantSession.Read(await client.GetAsync($"agents/{created["id"]}"), 200);
            Assert.True(JsonNode.DeepEquals(created, read), $"POST returned {created.ToJsonString()} but GET returned {read.ToJsonString()}");
        }
        return created;
    }

    [Fact]
    public async Task The_seeds_stt_config_with_language_en_is_accepted_and_stored_as_en_US()
    {
        var agent = await CreateAsync(Agent("en", "local", "en"), 201);

        Assert.Equal("en-US", agent["stt"]!["language"]!.GetValue<string>());
        Assert.Equal("en-US", agent["language"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("en", "local", null, "en-US", "en-US")]
    [InlineData("en-us", "local", "EN-US", "en-US", "en-US")]
    [InlineData("hi", "google", null, "hi-IN", "hi-IN")]
    [InlineData("en-GB", "google", "ta", "en-GB", "ta-IN")]
    [InlineData("en", "deepgram", "es", "en-US", "es")]
    [InlineData("pt", "deepgram", "pt-BR", "pt", "pt-BR")]
    [InlineData("hi", "ai4bharat", null, "hi", "hi")]
    public async Task A_bare_language_takes_the_providers_default_region(string language, string provider, string? sttLanguage, string storedLanguage, string storedSttLanguage)
    {
        var agent = await CreateAsync(Agent(language, provider, sttLanguage), 201);

        Assert.Equal(storedLanguage, agent["language"]!.GetValue<string>());
        Assert.Equal(storedSttLanguage, agent["stt"]!["language"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("hi")]
    [InlineData("en-GB")]
    [InlineData("e")]
    public async Task A_language_local_stt_cannot_take_is_refused_with_the_values_it_can(string sttLanguage)
    {
        var problem = await CreateAsync(Agent("en-US", "local", sttLanguage), 400);

        Assert.Equal("must be one of: en-US (or en for en-US).", problem["errors"]!["stt.language"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task The_provider_registry_marks_languages_that_take_a_default_region()
    {
        var tenant = await api.SignupAsync("agent-language-registry");
        using var client = tenant.Client();
        var registry = await TenantSession.Read(await client.GetAsync("providers"), 200);

        var local = registry["stt"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "local")!["options"]!.AsArray()
            .Single(o => o!["name"]!.GetValue<string>() == "language")!;
        Assert.True(local["regions"]!.GetValue<bool>());
        Assert.True(local["closed"]!.GetValue<bool>());
    }
}
