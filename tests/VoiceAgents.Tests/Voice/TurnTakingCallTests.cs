using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Voice;

/// <summary>Turn taking through <c>/ws</c> on a real voice-host: the local STT's interim transcripts reach the caller, and an adaptive agent's turn ends on them.</summary>
[Collection(VoiceCollection.Name)]
public sealed class TurnTakingCallTests(VoiceFixture voice)
{
    [Fact]
    public async Task Interim_user_transcripts_arrive_with_final_false_before_the_final_one_on_an_adaptive_agent()
    {
        var tenant = await voice.Api.SignupAsync("turns");
        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline(with: new { turn = new { mode = "adaptive" } }));

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address."));
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId, rate);
        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
        await caller.StreamAsync(samples, rate);
        var streaming = caller.StreamSilenceAsync(TimeSpan.FromSeconds(4), rate);

        var final = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30), e => e["role"]!.GetValue<string>() == "user" && e["final"]!.GetValue<bool>());
        await streaming;

        Assert.Equal("i want to change my delivery address", final["text"]!.GetValue<string>());
        var user = caller.Events.Select(e => e.Event)
            .Where(e => VoiceClient.Type(e) == "transcript" && e["role"]!.GetValue<string>() == "user").ToList();
        var firstFinal = user.FindIndex(e => e["final"]!.GetValue<bool>());
        var interims = user.Take(firstFinal).ToList();
        Assert.NotEmpty(interims);
        Assert.All(interims, e => Assert.False(e["final"]!.GetValue<bool>()));
        Assert.Contains(interims, e => e["text"]!.GetValue<string>().Contains("change", StringComparison.Ordinal));
    }
}
