using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// Local TTS shared fairly by every call of a voice-host: agents whose first message is 2,000 digits (eight minutes
/// of speech) beside a normal one, and what a hang-up or a barge-in does to such a greeting's synthesis.
/// </summary>
[Collection(VoiceCollection.Name)]
public sealed class TtsFairnessTests(VoiceFixture voice)
{
    private const string Reply = "Certainly. For what time would you like the table?";

    private VoiceMetrics Metrics => voice.Services.GetRequiredService<VoiceMetrics>();

    private LocalTts Tts => (LocalTts)voice.Services.GetRequiredKeyedService<ITtsProvider>("local");

    [Fact]
    public async Task A_normal_caller_gets_its_greeting_and_reply_as_usual_while_two_hostile_agents_read_out_2000_digits()
    {
        var (hostileTenant, hostileAgent) = await AgentAsync("hostile", SpeechTextTests.RandomDigits(2000, seed: 42));
        await using var hostile1 = await CallAsync(hostileTenant, hostileAgent);
        await using var hostile2 = await CallAsync(hostileTenant, hostileAgent);
        await hostile1.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(15));
        await hostile2.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(15));

        var (tenant, agent) = await AgentAsync("normal", "Hello, thanks for calling.");
        await using var caller = await CallAsync(tenant, agent);
        var greeting = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("Hello, thanks for calling.", greeting["text"]!.GetValue<string>());
        await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(15));

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        await caller.StreamAsync(samples, rate);
        var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(6), rate);
        var metrics = await caller.WaitForAsync("metrics", TimeSpan.FromSeconds(15));
        var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant" && e["text"]!.GetValue<string>() != "Hello, thanks for calling.");
        Assert.Equal("Certainly.", reply["text"]!.GetValue<string>());
        await silence;

        Assert.True(metrics["tts_ttfb_ms"]!.GetValue<double>() >= 0, metrics.ToJsonString());
        Assert.DoesNotContain(caller.Events, e => VoiceClient.Type(e.Event) == "error");
        // The hostile greetings are still being read out beside it: nothing was refused to make room.
        Assert.True(Metrics.TtsInFlight >= 2, $"{Metrics.TtsInFlight} sentences in synthesis");
        Assert.Equal(WebSocketState.Open, hostile1.State);
        Assert.Equal(WebSocketState.Open, hostile2.State);
    }

    [Fact]
    public async Task Hanging_up_during_a_hostile_greeting_ends_its_synthesis()
    {
        var (tenant, agent) = await AgentAsync("hang-up", SpeechTextTests.RandomDigits(2000, seed: 43));
        await using var caller = await CallAsync(tenant, agent);
        await caller.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(15));
        // The greeting takes minutes to say, and it is being synthesized as it is said.
        Assert.True(Metrics.TtsInFlight >= 1);

        await caller.DisposeAsync();

        await Eventually.Assert(() =>
        {
            Assert.Equal(0, Metrics.TtsInFlight);
            Assert.Equal(0, Tts.InFlight);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Barging_in_on_a_hostile_greeting_ends_its_synthesis_and_the_caller_is_answered()
    {
        var digits = SpeechTextTests.RandomDigits(2000, seed: 44);
        var (tenant, agent) = await AgentAsync("barge-in", digits, speechInterrupts: true);
        await using var caller = await CallAsync(tenant, agent);
        await caller.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(15));

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        await caller.StreamAsync(samples, rate);
        var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(6), rate);
        await caller.WaitForAsync("interruption", TimeSpan.FromSeconds(10));
        var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("Certainly.", reply["text"]!.GetValue<string>());
        await silence;

        // The reply has been said; the greeting it cut off is no longer being synthesized.
        await Eventually.Assert(() =>
        {
            Assert.Equal(0, Metrics.TtsInFlight);
            Assert.Equal(0, Tts.InFlight);
        }, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(caller.Events, e => e.Event["text"]?.GetValue<string>().Contains(digits[..20], StringComparison.Ordinal) == true);
    }

    /// <param name="speechInterrupts">
    /// The agent stops for any speech over it, not only for words that are no backchannel: what a barge-in ends is
    /// timed from the speech, not from a decode that a loaded machine makes late.
    /// </param>
    private async Task<(TenantSession Tenant, string AgentId)> AgentAsync(string label, string firstMessage, bool speechInterrupts = false)
    {
        var tenant = await voice.Api.SignupAsync(label);
        using var client = tenant.Client();
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = label,
            first_message = firstMessage,
            language = "en-US",
            llm = new { provider = "rules" },
            stt = new { provider = "local", language = "en-US" },
            tts = new { provider = "local", voice = "slt" },
            rules = new[] { new { match = "book table", reply = Reply, hang_up = false } },
            interruption = speechInterrupts ? new { backchannels = Array.Empty<string>() } : null,
        })), 201);
        return (tenant, agent["id"]!.GetValue<string>());
    }

    private async Task<VoiceClient> CallAsync(TenantSession tenant, string agentId)
    {
        var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.AuthenticateAsync(tenant.AccessToken, agentId);
        return caller;
    }
}
