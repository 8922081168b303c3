using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Providers.OpenAI;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>A llama.cpp / vLLM / Ollama server: OpenAI's protocol at a configured URL, usually without a key.</summary>
public sealed class OpenAiCompatibleLlmTests : ChatCompletionsContract
{
    protected override string ProviderName => "openai_compatible";

    protected override ILlmProvider Create(LoopbackServer server, TimeSpan timeout) => new OpenAiCompatibleLlm(
        Options.Create(new OpenAiCompatibleOptions { BaseUrl = new Uri(server.BaseUri, "v1").ToString(), Timeout = timeout }),
        Http, NullLogger<OpenAiCompatibleLlm>.Instance);

    [Fact]
    public async Task Without_an_agent_model_it_asks_for_the_configured_default_and_offers_no_tools()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));

        await CollectAsync(Create(server).StreamAsync(Request(Agent("openai_compatible")), default));

        using var body = JsonDocument.Parse(server.Single().Body);
        Assert.Equal("default", body.RootElement.GetProperty("model").GetString());
        Assert.False(body.RootElement.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task Sends_the_configured_key_as_a_bearer_token()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));
        var llm = new OpenAiCompatibleLlm(
            Options.Create(new OpenAiCompatibleOptions { BaseUrl = new Uri(server.BaseUri, "v1").ToString(), ApiKey = "local-secret" }),
            Http, NullLogger<OpenAiCompatibleLlm>.Instance);

        await CollectAsync(llm.StreamAsync(Request(Agent("openai_compatible")), default));

        Assert.Equal("Bearer local-secret", server.Single().Header("Authorization"));
    }

    [Fact]
    public async Task A_llama_cpp_style_error_reaches_the_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 400,
            """{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"""));

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(Create(server).StreamAsync(Request(Agent("openai_compatible")), default)));

        Assert.Contains("exceeds the available context size", e.Message);
    }

    [Fact]
    public async Task Without_a_base_url_it_fails_with_a_ProviderException_saying_so()
    {
        var llm = new OpenAiCompatibleLlm(Options.Create(new OpenAiCompatibleOptions()), Http, NullLogger<OpenAiCompatibleLlm>.Instance);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("openai_compatible")), default)));

        Assert.Contains("BaseUrl", e.Message);
    }
}
