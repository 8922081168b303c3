using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Dialer;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using static VoiceAgents.Tests.Dialer.DialerSteps;
using static VoiceAgents.Tests.Telephony.MediaStreamSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// A campaign call end to end over Twilio Media Streams: the dialer places it, Twilio (loopback) fetches the TwiML,
/// the media-stream client plays the callee with flite's speech as μ-law at 8 kHz, voice-host's pipeline answers,
/// and the finished call goes through post-call processing like a browser call.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class MediaStreamTests(TelephonyFixture f)
{
    [Fact]
    public async Task A_phone_call_over_the_media_stream_is_heard_answered_recorded_and_stored_like_a_browser_call()
    {
        var (tenant, agent) = await AgentAsync(f);
        var (campaign, placed, parameters) = await DialAsync(f, tenant, agent);
        var question = await SpeakAt8kAsync("I would like to book a table for two.");

        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(500));
        await phone.StreamAsync(question);
        var silence = phone.StreamSilenceAsync(TimeSpan.FromSeconds(7));
        await phone.WaitUntilAsync(() => phone.ReplyAudio().Length > MediaStreamClient.Rate * 2, TimeSpan.FromSeconds(20), "two seconds of reply audio");
        await silence;
        await phone.StopAsync();
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The reply came back as μ-law media on the stream, each chunk followed by a mark.
        var media = phone.Messages("media");
        Assert.All(media, m => Assert.Equal(phone.StreamSid, m["streamSid"]!.GetValue<string>()));
        Assert.True(phone.Messages("mark").Count >= media.Count, "a mark follows every media message");
        Assert.True(new AudioChunk(phone.ReplyAudio(), MediaStreamClient.Rate).Rms() > 0.02, "the reply audio is silent");

        // Post-call: the call log the dialer opened is replaced by the stored call, with its recording and transcript.
        var callId = parameters["call_id"];
        using var client = tenant.Client();
        JsonNode? log = null;
        await Eventually.Assert(async () =>
        {
            var response = await client.GetAsync($"call-logs/{callId}");
            log = await TenantSession.Read(response, 200);
            Assert.Equal("completed", log["status"]!.GetValue<string>());
        }, TimeSpan.FromSeconds(30));
        Assert.Equal((campaign, placed.To, 1), (log!["campaign_id"]!.GetValue<string>(), log["phone_number"]!.GetValue<string>(), log["attempt"]!.GetValue<int>()));
        Assert.Contains($"recordings/{tenant.TenantId}/{campaign}/{callId}.wav", log["recording_url"]!.GetValue<string>());
        var transcript = await TenantSession.Read(await client.GetAsync($"transcripts/{callId}"), 200);
        var turns = transcript["turns"]!.AsArray().Select(t => (t!["speaker"]!.GetValue<string>(), t["text"]!.GetValue<string>())).ToList();
        // Telephone audio (8 kHz μ-law) is harder on the offline recognizer than the browser's 16 kHz; the gist survives.
        Assert.Contains(turns, t => t.Item1 == "user" && t.Item2.StartsWith("i would like", StringComparison.Ordinal) && t.Item2.EndsWith("table for two", StringComparison.Ordinal));
        Assert.Contains(("assistant", "Certainly."), turns);

        // Twilio's completed callback finishes the number, and with it the campaign.
        var status = placed.Form["StatusCallback"];
        using var http = new HttpClient();
        await TwilioLoopback.PostWebhookAsync(http, new Uri(f.Api.BaseAddress, status[(TelephonyFixture.PublicBaseUrl.Length + 5)..]), status,
            new Dictionary<string, string> { ["CallSid"] = placed.Sid, ["CallStatus"] = "completed", ["CallDuration"] = "12", ["AccountSid"] = TwilioLoopback.AccountSid });
        var number = Assert.Single(await NumbersAsync(f, campaign));
        Assert.Equal((NumberStatus.Done, CallOutcomes.Completed), (number.Status, number.LastOutcome));
        var progress = await TenantSession.Read(await client.GetAsync($"campaigns/{campaign}/progress"), 200);
        Assert.Equal("completed", progress["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Speaking_over_the_bot_makes_voice_host_send_clear_and_keep_only_what_was_played()
    {
        // Speech stops the bot, as before word-gated barge-in: a barge-in decided late, after a loaded machine's decode,
        // can fall between two sentences and cut none.
        var (tenant, agent) = await AgentAsync(f, speechInterrupts: true);
        var (_, _, parameters) = await DialAsync(f, tenant, agent);
        var ask = await SpeakAt8kAsync("Please tell me a story.");
        var interrupt = await SpeakAt8kAsync("Wait, wait, I have a question about the price.");

        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(500));
        await phone.StreamAsync(ask);
        await StreamSilenceUntilAsync(phone, () => phone.ReplyAudio().Length > MediaStreamClient.Rate * 2, TimeSpan.FromSeconds(20), "the story to be playing");

        await phone.StreamAsync(interrupt);
        await StreamSilenceUntilAsync(phone, () => phone.Messages("clear").Count > 0, TimeSpan.FromSeconds(10), "a clear message");
        var clear = phone.Messages("clear")[0];
        Assert.Equal(phone.StreamSid, clear["streamSid"]!.GetValue<string>());
        await phone.StreamSilenceAsync(TimeSpan.FromSeconds(1));
        await phone.StopAsync();
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var client = tenant.Client();
        JsonNode? transcript = null;
        await Eventually.Assert(async () => transcript = await TenantSession.Read(await client.GetAsync($"transcripts/{parameters["call_id"]}"), 200), TimeSpan.FromSeconds(30));
        var told = transcript!["turns"]!.AsArray().Select(t => t!["text"]!.GetValue<string>()).Where(t => t.StartsWith("Once upon a time", StringComparison.Ordinal) || StoryReply.Contains(t.TrimEnd('…'), StringComparison.Ordinal)).ToList();
        Assert.Contains(told, t => t.EndsWith('…'));
        Assert.DoesNotContain(told, t => t.Contains("found their way home", StringComparison.Ordinal));
    }

    /// <summary>The line stays open (silence, 100 ms at a time) until the condition holds.</summary>
    private static async Task StreamSilenceUntilAsync(MediaStreamClient phone, Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public async Task A_stream_without_a_valid_token_for_its_call_is_refused()
    {
        var (tenant, agent) = await AgentAsync(f);
        var (_, _, parameters) = await DialAsync(f, tenant, agent);
        var other = await f.Api.SignupAsync("phone-other");
        var forgedKey = new StreamTokens(
            Microsoft.Extensions.Options.Options.Create(new Core.Auth.JwtOptions { SigningKey = "another-signing-key-0123456789-abcdefghij" }),
            Microsoft.Extensions.Options.Options.Create(new TwilioOptions()), TimeProvider.System);
        var cases = new[]
        {
            new Dictionary<string, string>(parameters) { ["token"] = "" },
            new Dictionary<string, string>(parameters) { ["tenant_id"] = other.TenantId },
            new Dictionary<string, string>(parameters)
            {
                ["token"] = forgedKey.Create(new StreamGrant(parameters["call_id"], parameters["tenant_id"], parameters["agent_id"], null, null, 1)),
            },
        };

        foreach (var p in cases)
        {
            await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
            await phone.StartAsync(p);
            await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, phone.CloseStatus);
            Assert.Empty(phone.Messages("media"));
        }
    }
}
