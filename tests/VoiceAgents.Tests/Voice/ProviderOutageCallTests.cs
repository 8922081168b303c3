using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Voice;

/// <summary>A call whose LLM is down: the fallback answers, or without one the bot apologises and ends the call cleanly.</summary>
[Collection(VoiceCollection.Name)]
public sealed class ProviderOutageCallTests(VoiceFixture voice)
{
    private async Task<(TenantSession, string)> AgentAsync(string? fallback)
    {
        var tenant = await voice.Api.SignupAsync("outage");
        using var client = tenant.Client();
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = "Cloud agent",
            llm = new { provider = "openai", model = "gpt-4o-mini", fallback_provider = fallback },
            stt = new { provider = "local" },
            tts = new { provider = "local", voice = "slt" },
            fallback_line = "The fallback responder is answering.",
        })), 201);
        return (tenant, agent["id"]!.GetValue<string>());
    }

    private static async Task SpeakAsync(VoiceClient caller)
    {
        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I want to make a reservation please."));
        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate);
        await caller.StreamAsync(samples, rate);
    }

    [Fact]
    public async Task Llm_down_without_fallback_apologises_and_ends_the_call()
    {
        var (tenant, agentId) = await AgentAsync(null);
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        await SpeakAsync(caller);
        var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(12), 16000);

        var apology = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.StartsWith("I'm sorry", apology["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(30));
        Assert.Equal("provider_unavailable", end["reason"]!.GetValue<string>());
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1000, (int)caller.CloseStatus!);
        Assert.True(caller.ReplyAudio().Length > 16000, "the apology was spoken");
        Assert.Contains(Apology.Text.Split('.')[0], string.Join(" ", caller.Events.Where(e => VoiceClient.Type(e.Event) == "transcript").Select(e => e.Event["text"]!.GetValue<string>())), StringComparison.Ordinal);
        await silence.WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { });
    }

    [Fact]
    public async Task Llm_down_with_a_fallback_is_answered_by_the_fallback()
    {
        var (tenant, agentId) = await AgentAsync("rules");
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        await SpeakAsync(caller);
        var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(8), 16000);
        var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("The fallback responder is answering.", reply["text"]!.GetValue<string>());
        await silence;
        Assert.DoesNotContain(caller.Events, e => VoiceClient.Type(e.Event) == "end");
    }
}
