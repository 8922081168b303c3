using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Processors;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Limits;

/// <summary>
/// A stage of the pipeline that throws ends the call cleanly: the apology is spoken, the caller gets a fatal
/// <c>error</c> and <c>end</c> with reason <c>error</c>, the socket closes with 1011, and the call is stored.
/// </summary>
/// <remarks>
/// The crash comes from a real vendor path rather than a fake stage: Anthropic's official SDK checks a field's type
/// only when it is read, so a <c>text_delta</c> whose <c>text</c> is a number throws
/// <c>AnthropicInvalidDataException</c> in the provider's loop, after the stream's first sentence, and the provider
/// (which translates failures of the stream itself into <c>ProviderException</c>s) lets it through to the LLM stage.
/// </remarks>
[Collection(LimitsCollection.Name)]
public sealed class ProcessorCrashTests(LimitsFixture f)
{
    [Fact]
    public async Task A_stage_that_crashes_mid_reply_apologises_sends_a_fatal_error_and_end_error_closes_with_1011_and_the_call_is_stored()
    {
        var tenant = await f.Api.SignupAsync("crash");
        var agentId = await LimitsFixture.AgentAsync(tenant, llm: new { provider = "anthropic", model = "claude-haiku-4-5" });
        f.AnthropicScript = async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "One moment, let me look. ");
            await Wire.EventAsync(c, """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":42}}""", "content_block_delta");
            await AnthropicWire.BlockStopAsync(c);
            await AnthropicWire.MessageDeltaAndStopAsync(c);
        };

        var (caller, callId) = await StartCallAsync(f.Voice, tenant, agentId);
        await using (caller)
        {
            var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I want to make a reservation please."));
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate);
            await caller.StreamAsync(samples, rate);
            var line = caller.StreamSilenceAsync(TimeSpan.FromSeconds(15), rate);

            var error = await caller.WaitForAsync("error", TimeSpan.FromSeconds(30));
            Assert.True(error["fatal"]!.GetValue<bool>());
            var apology = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30),
                e => e["role"]!.GetValue<string>() == "assistant" && e["text"]!.GetValue<string>() == Apology.Text);
            var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(30));
            Assert.Equal("error", end["reason"]!.GetValue<string>());
            await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1011, (int)caller.CloseStatus!);
            // What the LLM said before it broke was spoken too, then the apology, and the apology was heard in full.
            var said = caller.Events.Where(e => VoiceClient.Type(e.Event) == "transcript" && e.Event["role"]!.GetValue<string>() == "assistant")
                .Select(e => e.Event["text"]!.GetValue<string>()).ToList();
            Assert.Equal(["One moment, let me look.", Apology.Text], said);
            Assert.True(caller.ReplyAudio().Length > 16000 * 3, "the apology was not played");
            await line.ContinueWith(_ => { });
        }

        var log = await WaitForCallLogAsync(tenant, callId, TimeSpan.FromSeconds(60));
        Assert.Equal(("failed", "error"), (log["status"]!.GetValue<string>(), log["end_reason"]!.GetValue<string>()));
        var turns = (await GetAsync(tenant, $"transcripts/{callId}"))["turns"]!.AsArray();
        Assert.Contains(turns, t => t!["text"]!.GetValue<string>() == Apology.Text);
    }
}
