using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Providers.OpenAI;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

public sealed class OpenAiLlmTests : ChatCompletionsContract
{
    protected override string ProviderName => "openai";

    protected override ILlmProvider Create(LoopbackServer server, TimeSpan timeout) => new OpenAiLlm(
        Options.Create(new OpenAiOptions { ApiKey = "sk-test-123", BaseUrl = new Uri(server.BaseUri, "v1").ToString(), Timeout = timeout }),
        Http, NullLogger<OpenAiLlm>.Instance);

    [Fact]
    public async Task Authenticates_with_the_api_key_as_a_bearer_token_and_offers_the_end_call_function()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));

        await CollectAsync(Create(server).StreamAsync(Request(Agent("openai")), default));

        var request = server.Single();
        Assert.Equal("Bearer sk-test-123", request.Header("Authorization"));
        using var body = JsonDocument.Parse(request.Body);
        var tool = Assert.Single(body.RootElement.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("end_call", tool.GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Uses_the_configured_model_when_the_agent_names_none()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));

        await CollectAsync(Create(server).StreamAsync(Request(Agent("openai", model: null)), default));

        using var body = JsonDocument.Parse(server.Single().Body);
        Assert.Equal("gpt-4o-mini", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_call_of_end_call_ends_the_reply_with_an_EndCall_delta()
    {
        await using var server = await LoopbackServer.StartAsync(ReplyWithEndCallAsync);

        var deltas = await CollectAsync(Create(server).StreamAsync(Request(Agent("openai")), default));

        Assert.Equal("Goodbye!", deltas[0].Text);
        Assert.True(deltas[^1].EndCall);
        // end_call is the pipeline's own hang-up, never a tool for the tool loop to run.
        Assert.DoesNotContain(deltas, d => d.ToolCall is not null);
    }

    [Fact]
    public async Task Without_an_api_key_it_fails_with_a_ProviderException_saying_so()
    {
        var llm = new OpenAiLlm(Options.Create(new OpenAiOptions()), Http, NullLogger<OpenAiLlm>.Instance);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("openai")), default)));

        Assert.Contains("ApiKey", e.Message);
    }
}
