using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>What a caller says just before hanging up is part of the call, though the turn never got to end.</summary>
[Collection(PostCallCollection.Name)]
public sealed class LastWordsTests(PostCallFixture fixture)
{
    [Fact]
    public async Task Words_said_just_before_the_caller_hangs_up_are_in_the_stored_transcript()
    {
        var tenant = await fixture.Api.SignupAsync("last-words");
        var agentId = await CreateAgentAsync(tenant);
        var (samples, rate) = VoiceAgents.VoiceHost.Audio.Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));

        var (caller, callId) = await StartCallAsync(fixture.Voice, tenant, agentId, rate);
        await using (caller)
        {
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
            await caller.StreamAsync(samples, rate);
            // Less than the turn's end wait: the caller hangs up before the turn is over.
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(200), rate);
            await EndCallAsync(caller);
        }

        await WaitForCallLogAsync(tenant, callId, TimeSpan.FromSeconds(60));
        var turns = (await GetAsync(tenant, $"transcripts/{callId}"))["turns"]!.AsArray();
        Assert.Contains("i would like to book a table for two", turns.Where(t => t!["speaker"]!.GetValue<string>() == "user").Select(t => t!["text"]!.GetValue<string>()));
    }
}
