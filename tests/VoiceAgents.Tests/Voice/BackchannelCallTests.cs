using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// Backchannels end to end through <c>/ws</c> on the offline stack (VAD, PocketSphinx, rules, flite): the caller's
/// speech is synthesised, streamed in real time, and the agent's interruption settings are its defaults.
/// </summary>
[Collection(VoiceCollection.Name)]
public sealed class BackchannelCallTests(VoiceFixture voice)
{
    private const string Greeting = "Hello, thanks for calling the Riverside restaurant. We are open every day from noon until eleven at night. How can I help you today?";
    private const string Reply = "Certainly. We have tables by the window, tables in the garden under the old oak trees, and a quiet room at the back for larger parties. In the evening there is live music in the garden, so the window tables are quieter then. Tell me which one you would like, and for what time, and how many of you there will be.";

    [Fact]
    public async Task An_okay_while_the_agent_speaks_does_not_interrupt_it_and_a_real_barge_in_still_does()
    {
        var tenant = await voice.Api.SignupAsync("backchannel");
        using var client = tenant.Client();
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = "backchannel",
            first_message = Greeting,
            language = "en-US",
            llm = new { provider = "rules" },
            stt = new { provider = "local", language = "en-US" },
            tts = new { provider = "local", voice = "slt" },
            rules = new[] { new { match = "*", reply = Reply, hang_up = false } },
        })), 201);
        await using var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        var ready = await caller.AuthenticateAsync(tenant.AccessToken, agent["id"]!.GetValue<string>());
        await caller.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(15));

        // "Okay." a moment into the greeting, then silence while the greeting goes on.
        var (okay, rate) = Wav.Read(await VoiceFixture.SpeakAsync("Okay."));
        await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
        await caller.StreamAsync(okay, rate);
        var quiet = caller.StreamSilenceAsync(TimeSpan.FromSeconds(4), rate);
        var greeting = await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30), e => e["role"]!.GetValue<string>() == "assistant");
        await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(15));
        await quiet;

        // The greeting played to its end, whole; the "okay" was no interruption and no turn.
        Assert.Equal(Greeting, greeting["text"]!.GetValue<string>());
        Assert.DoesNotContain(caller.Events, e => VoiceClient.Type(e.Event) == "interruption");
        Assert.DoesNotContain(caller.Events, e => VoiceClient.Type(e.Event) == "transcript" && e.Event["role"]!.GetValue<string>() == "user");

        // Any words get the long reply; the caller keeps the line open (silence) until it starts.
        var (booking, _) = Wav.Read(await VoiceFixture.SpeakAsync("Book a table, please."));
        await caller.StreamAsync(booking, rate);
        using (var listening = new CancellationTokenSource())
        {
            quiet = caller.StreamSilenceAsync(TimeSpan.FromSeconds(40), rate, listening.Token);
            await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(40), e => e["role"]!.GetValue<string>() == "assistant" && e["text"]!.GetValue<string>() == "Certainly.");
            await listening.CancelAsync();
            try
            {
                await quiet;
            }
            catch (OperationCanceledException)
            {
            }
        }

        // The reply's long sentences are playing: a real barge-in stops them, once its words are in.
        var (stop, _) = Wav.Read(await VoiceFixture.SpeakAsync("Wait, stop. I need to change my order."));
        var bargedInAt = DateTime.UtcNow;
        await caller.StreamAsync(stop, rate);
        quiet = caller.StreamSilenceAsync(TimeSpan.FromSeconds(8), rate);
        await caller.WaitForAsync("interruption", TimeSpan.FromSeconds(30));
        await quiet;

        // On failure, the call's events as the caller saw them say which speech was taken for a second barge-in.
        Assert.True(caller.Events.Count(e => VoiceClient.Type(e.Event) == "interruption") == 1,
            string.Join('\n', caller.Events.Where(e => VoiceClient.Type(e.Event) != "audio").Select(e => $"{e.At:HH:mm:ss.fff} {e.Event.ToJsonString()}")));
        Assert.Contains(caller.Events, e => e.At >= bargedInAt && VoiceClient.Type(e.Event) == "transcript" && e.Event["role"]!.GetValue<string>() == "user");
        Assert.Contains(caller.Events, e => VoiceClient.Type(e.Event) == "transcript" && e.Event["text"]!.GetValue<string>().EndsWith('…'));

        // The call's transcript keeps what was said: the STT did hear the "okay", which was let pass, not missed.
        await caller.SendJsonAsync(new { type = "end" });
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var json = Path.Combine(voice.CallsFolder, ready["call_id"]!.GetValue<string>() + ".json");
        await Eventually.Assert(() => Assert.True(File.Exists(json)), TimeSpan.FromSeconds(10));
        var record = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        var said = record["transcript"]!.AsArray().Where(t => t!["speaker"]!.GetValue<string>() == "user").Select(t => t!["text"]!.GetValue<string>()).ToList();
        Assert.Equal("okay", said[0]);
    }
}
