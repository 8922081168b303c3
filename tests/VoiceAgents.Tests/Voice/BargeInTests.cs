using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Processors;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// Barge-in on the pipeline itself, with a fake clock: frames go in, and the test asserts what comes out and when.
/// </summary>
public sealed class BargeInTests
{
    private const int Rate = 16000;

    [Fact]
    public async Task User_speech_during_bot_speech_stops_bot_audio_within_100ms_and_keeps_only_the_played_words()
    {
        var clock = new TestClock();
        var client = new RecordingClient(clock);
        var call = FrameHarness.Call(clock, FrameHarness.SpeechInterrupts());
        var assistant = new AssistantContextProcessor(call);
        await using var run = FrameHarness.Start(call,
            new TurnProcessor(call),
            new SentenceProcessor(call),
            new TtsProcessor(call, new ToneTts(3), Rate),
            new OutputTransport(call, client, Rate, new VoiceMetrics()),
            assistant);

        const string sentence = "one two three four five six seven eight nine ten eleven twelve.";
        run.Send(new LlmResponseStartFrame(), new LlmTextFrame(sentence + " "), new LlmResponseEndFrame());

        // Let the bot talk for one second of (fake) time.
        await run.RunClockForAsync(TimeSpan.FromSeconds(1));
        Assert.Contains(client.Events, e => e.Event is SpeakingEvent { Type: "bot_started_speaking" });
        var vadStart = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(vadStart));
        await client.WaitForAsync<InterruptionEvent>();
        await run.AdvanceAsync(TimeSpan.FromSeconds(1));

        var after = client.Audio.Where(a => a.At > vadStart + TimeSpan.FromMilliseconds(100)).ToList();
        Assert.Empty(after);
        var sent = client.Audio.Sum(a => a.Samples) / (double)Rate;
        Assert.InRange(sent, 0.9, 1.2);
        Assert.Contains(client.Events, e => e.Event is InterruptionEvent && e.At - vadStart <= TimeSpan.FromMilliseconds(100));
        Assert.Contains(client.Events, e => e.Event is SpeakingEvent { Type: "bot_stopped_speaking" });

        // About a third of the 3 s sentence was heard: the context keeps those words and not the rest.
        var spoken = Assert.Single(assistant.Spoken);
        Assert.True(spoken.Interrupted);
        Assert.StartsWith("one two three", spoken.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("twelve", spoken.Text, StringComparison.Ordinal);
        var kept = call.Conversation.Snapshot().Single(m => m.Role == ChatMessage.Assistant).Content;
        Assert.Equal(spoken.Text, kept);
    }

    [Fact]
    public async Task Speech_while_the_bot_is_silent_is_not_an_interruption()
    {
        var clock = new TestClock();
        var client = new RecordingClient(clock);
        var call = FrameHarness.Call(clock, FrameHarness.SpeechInterrupts());
        await using var run = FrameHarness.Start(call, new TurnProcessor(call), new OutputTransport(call, client, Rate, new VoiceMetrics()));

        run.Send(new VadSpeechStartedFrame(clock.GetUtcNow()));
        // The speech is through before time moves, so the 200 ms count from it.
        await run.FlushAsync();
        await run.AdvanceAsync(TimeSpan.FromMilliseconds(200));
        // Every system frame sent so far has come out: an interruption would have been among them.
        await run.FlushAsync();

        Assert.Single(run.Down.OfType<UserStartedSpeakingFrame>());
        Assert.DoesNotContain(client.Events, e => e.Event is InterruptionEvent);
    }
}
