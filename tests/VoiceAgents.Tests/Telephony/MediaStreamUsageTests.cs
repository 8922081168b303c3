using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Telephony.MediaStreamSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>A phone call's minutes count under the <c>twilio</c> transport, its speech under the agent's STT and TTS.</summary>
[Collection(TelephonyCollection.Name)]
public sealed class MediaStreamUsageTests(TelephonyFixture f)
{
    [Fact]
    public async Task A_phone_calls_usage_counts_its_minutes_under_twilio()
    {
        var (tenant, agent) = await AgentAsync(f);
        var (_, _, parameters) = await DialAsync(f, tenant, agent);
        var question = await SpeakAt8kAsync("I would like to book a table for two.");

        await using (var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri))
        {
            await phone.StartAsync(parameters);
            await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(500));
            await phone.StreamAsync(question);
            var silence = phone.StreamSilenceAsync(TimeSpan.FromSeconds(7));
            await phone.WaitUntilAsync(() => phone.ReplyAudio().Length > MediaStreamClient.Rate * 2, TimeSpan.FromSeconds(20), "two seconds of reply audio");
            await silence;
            await phone.StopAsync();
            await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        using var client = tenant.Client();
        JsonNode? log = null;
        await Eventually.Assert(async () =>
        {
            log = await TenantSession.Read(await client.GetAsync($"call-logs/{parameters["call_id"]}"), 200);
            Assert.Equal("completed", log["status"]!.GetValue<string>());
        }, TimeSpan.FromSeconds(30));
        var usage = log!["usage"]!;
        var minutes = Assert.Single(usage["call_minutes"]!.AsObject());
        Assert.Equal("twilio", minutes.Key);
        Assert.Equal(Math.Round(log["duration_seconds"]!.GetValue<double>() / 60, 4), minutes.Value!.GetValue<double>(), 3);
        Assert.True(usage["stt_audio_seconds"]!["local"]!.GetValue<double>() > 1, usage.ToJsonString());
        Assert.True(usage["tts_characters"]!["local"]!.GetValue<long>() >= "Certainly.".Length, usage.ToJsonString());
    }
}
