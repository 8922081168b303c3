using System.Globalization;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>An offline call through voice-host records what it used on its call log and in the day's usage.</summary>
[Collection(PostCallCollection.Name)]
public sealed class UsageRecordingTests(PostCallFixture fixture)
{
    private const string Reply = "Certainly. For what time would you like the table?";

    [Fact]
    public async Task Offline_call_records_stt_seconds_tts_characters_estimated_rules_tokens_and_browser_minutes()
    {
        var tenant = await fixture.Api.SignupAsync("usage-call");
        var agentId = await CreateAgentAsync(tenant);

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        var (caller, callId) = await StartCallAsync(fixture.Voice, tenant, agentId, rate);
        await using (caller)
        {
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
            await caller.StreamAsync(samples, rate);
            var streaming = caller.StreamSilenceAsync(TimeSpan.FromSeconds(5), rate);
            await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(20), e => e["role"]!.GetValue<string>() == "assistant");
            await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(20));
            await streaming;
            await EndCallAsync(caller);
        }

        var log = await WaitForCallLogAsync(tenant, callId, TimeSpan.FromSeconds(60));
        var usage = log["usage"]!;
        var duration = log["duration_seconds"]!.GetValue<double>();
        // STT hears the caller's turn (with its half-second pre-roll), not the whole call.
        var speech = samples.Length / (double)rate;
        var stt = usage["stt_audio_seconds"]!["local"]!.GetValue<double>();
        Assert.True(stt >= speech && stt < duration, $"STT audio {stt} s; the speech lasts {speech:F2} s, the call {duration} s");
        // The reply goes to TTS sentence by sentence, each as said.
        Assert.Equal("Certainly.".Length + "For what time would you like the table?".Length, usage["tts_characters"]!["local"]!.GetValue<long>());
        // The rules responder's estimate: the reply at four characters a token; the prompt holds at least the system prompt and the caller's words.
        Assert.Equal(LlmUsage.EstimateTokens(Reply.Length), usage["llm_tokens_out"]!["rules"]!.GetValue<long>());
        Assert.True(usage["llm_tokens_in"]!["rules"]!.GetValue<long>() >= LlmUsage.EstimateTokens("You take table bookings.".Length + "i would like to book a table for two".Length));
        Assert.Equal(Math.Round(duration / 60, 4), usage["call_minutes"]!["websocket"]!.GetValue<double>(), 3);

        // The day's usage holds the same figures.
        var today = DateTime.UtcNow.Date;
        var day = await GetAsync(tenant, $"usage?from={today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&agent_id={agentId}");
        var totals = day["totals"]!;
        Assert.Equal(1, totals["calls"]!.GetValue<long>());
        foreach (var (field, key) in new[] { ("stt_audio_seconds", "local"), ("tts_characters", "local"), ("llm_tokens_in", "rules"), ("llm_tokens_out", "rules"), ("call_minutes", "websocket") })
        {
            Assert.Equal(usage[field]![key]!.GetValue<double>(), totals[field]![key]!.GetValue<double>());
        }
    }
}
