using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Telephony.MediaStreamSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// Keypad and silence on a phone call over Twilio Media Streams: <c>dtmf</c> messages become the caller's turn that
/// a dtmf rule answers, and a line that carries only silence, or nothing at all, is reprompted and then hung up on
/// instead of being held until the maximum call duration.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class MediaStreamKeypadAndSilenceTests(TelephonyFixture f)
{
    [Fact]
    public async Task Keys_pressed_on_the_phone_are_gathered_into_one_turn_that_a_dtmf_rule_answers()
    {
        var (tenant, agent) = await AgentAsync(f, "keypad");
        await tenant.UpdateAgentAsync(agent, a => a["rules"]!.AsArray().Add(AgentSetup.Node(new { dtmf = "*", reply = "You entered {{ match.digits }}." })));
        var (_, _, parameters) = await DialAsync(f, tenant, agent);

        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(300));
        foreach (var digit in "42") await phone.SendDtmfAsync(digit);
        var line = phone.StreamSilenceAsync(TimeSpan.FromSeconds(6));
        await phone.WaitUntilAsync(() => phone.ReplyAudio().Length > MediaStreamClient.Rate, TimeSpan.FromSeconds(20), "a second of reply audio");
        await line;
        await phone.StopAsync();
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var client = tenant.Client();
        JsonNode? transcript = null;
        await Eventually.Assert(async () => transcript = await TenantSession.Read(await client.GetAsync($"transcripts/{parameters["call_id"]}"), 200), TimeSpan.FromSeconds(30));
        var turns = transcript!["turns"]!.AsArray().Select(t => (t!["speaker"]!.GetValue<string>(), t["text"]!.GetValue<string>())).ToList();
        Assert.Contains(("user", "[keypad] 42"), turns);
        Assert.Contains(("assistant", "You entered 42."), turns);
    }

    [Fact]
    public async Task A_dtmf_message_with_something_other_than_a_key_closes_the_stream_as_malformed()
    {
        var (tenant, agent) = await AgentAsync(f, "keypad-bad");
        var (_, _, parameters) = await DialAsync(f, tenant, agent);

        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        await phone.SendTextAsync(new JsonObject { ["event"] = "dtmf", ["streamSid"] = phone.StreamSid, ["dtmf"] = new JsonObject { ["track"] = "inbound_track", ["digit"] = "12" } }.ToJsonString());

        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4400, (int?)phone.CloseStatus);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_silent_phone_line_is_reprompted_and_then_hung_up_for_silence(bool sendsSilence)
    {
        var (tenant, agent) = await AgentAsync(f, "phone-silence");
        await tenant.UpdateAgentAsync(agent, new { silence = new { reprompt_after_s = 1, reprompt_message = "Are you still there?", hangup_after_s = 3 } });
        var (_, _, parameters) = await DialAsync(f, tenant, agent);

        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        if (sendsSilence)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!phone.Closed.Task.IsCompleted && DateTime.UtcNow < deadline) await StreamOrClosedAsync(phone);
        }
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("silence", phone.CloseReason);
        Assert.True(phone.ReplyAudio().Length > MediaStreamClient.Rate / 2, "the reprompt was not heard");
        using var client = tenant.Client();
        await Eventually.Assert(async () =>
        {
            var log = await TenantSession.Read(await client.GetAsync($"call-logs/{parameters["call_id"]}"), 200);
            Assert.Equal(("completed", "silence"), (log["status"]!.GetValue<string>(), log["end_reason"]!.GetValue<string>()));
        }, TimeSpan.FromSeconds(30));
        var transcript = await TenantSession.Read(await client.GetAsync($"transcripts/{parameters["call_id"]}"), 200);
        Assert.Equal(["Are you still there?"], transcript["turns"]!.AsArray().Select(t => t!["text"]!.GetValue<string>()));
    }

    private static async Task StreamOrClosedAsync(MediaStreamClient phone)
    {
        try
        {
            await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(200));
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or InvalidOperationException or OperationCanceledException)
        {
            await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
