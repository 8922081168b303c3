using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Voice;

/// <summary>A whole call with offline providers: pocketsphinx hears flite's speech, the rules responder answers, flite speaks.</summary>
[Collection(VoiceCollection.Name)]
public sealed class OfflineCallTests(VoiceFixture voice)
{
    [Fact]
    public async Task Caller_asking_to_book_hears_the_rule_reply_with_turn_metrics()
    {
        var tenant = await voice.Api.SignupAsync("voice");
        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline(with: new { rules = new[] { AgentSetup.BookingRule } }));

        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        var ready = await caller.AuthenticateAsync(tenant.AccessToken, agentId, rate);
        Assert.Equal(16000, ready["output_sample_rate"]!.GetValue<int>());
        Assert.Matches("^[0-9a-f]{24}$", ready["call_id"]!.GetValue<string>());

        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
        await caller.StreamAsync(samples, rate);
        var streaming = caller.StreamSilenceAsync(TimeSpan.FromSeconds(6), rate);

        var heard = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "user" && e["final"]!.GetValue<bool>());
        Assert.Equal("i would like to book a table for two", heard["text"]!.GetValue<string>());
        var metrics = await caller.WaitForAsync("metrics", TimeSpan.FromSeconds(15));
        var reply = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant");
        Assert.Equal("Certainly.", reply["text"]!.GetValue<string>());
        await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(15), e => e["role"]!.GetValue<string>() == "assistant" && e["text"]!.GetValue<string>().Contains("table", StringComparison.Ordinal));
        await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(15));
        await streaming;

        // The reply is speech: about as long as flite takes to say it, and far from silent.
        var audio = caller.ReplyAudio();
        var seconds = audio.Length / 16000.0;
        Assert.True(seconds is > 2.0 and < 6.0, $"reply audio lasts {seconds:F2} s");
        Assert.True(new AudioChunk(audio, 16000).Rms() > 0.02, "the reply audio is silent");

        Assert.Equal(1, metrics["turn"]!.GetValue<int>());
        var v2v = metrics["voice_to_voice_ms"]!.GetValue<double>();
        // Latency targets belong to bench/voice; here the figures must be present and consistent.
        Assert.True(v2v is > 0 and < 30_000, $"metrics: {metrics.ToJsonString()}");
        Assert.True(metrics["stt_ms"]!.GetValue<double>() >= 0);
        Assert.True(metrics["llm_ttft_ms"]!.GetValue<double>() >= 0);
        Assert.True(metrics["tts_ttfb_ms"]!.GetValue<double>() >= 0);
        Assert.True(v2v >= metrics["stt_ms"]!.GetValue<double>());

        await caller.SendJsonAsync(new { type = "end" });
        var end = await caller.WaitForAsync("end", TimeSpan.FromSeconds(10));
        Assert.Equal("caller_ended", end["reason"]!.GetValue<string>());
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The call record: a stereo WAV and the JSON record with transcript and metrics.
        var callId = ready["call_id"]!.GetValue<string>();
        var json = Path.Combine(voice.CallsFolder, callId + ".json");
        await Eventually.Assert(() => Assert.True(File.Exists(json)), TimeSpan.FromSeconds(10));
        var record = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        Assert.Equal(tenant.TenantId, record["tenant_id"]!.GetValue<string>());
        Assert.Single(record["turns"]!.AsArray());
        Assert.Contains(record["transcript"]!.AsArray(), t => t!["speaker"]!.GetValue<string>() == "user");
        var wav = await File.ReadAllBytesAsync(Path.Combine(voice.CallsFolder, callId + ".wav"));
        Assert.True(wav.Length > 44 + 16000 * 4 * 5, "the recording holds the whole call");
    }
}
