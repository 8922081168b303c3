using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// The output transport, the only stage that reaches the caller: frames in, client events and paced audio out,
/// speaking state upstream and what was heard downstream.
/// </summary>
public sealed class OutputTransportTests
{
    private static (CallContext Call, RecordingClient Client, OutputTransport Output) Output(TestClock clock)
    {
        var call = FrameHarness.Call(clock);
        var client = new RecordingClient(clock);
        return (call, client, new OutputTransport(call, client, FrameHarness.Rate, new VoiceMetrics()));
    }

    /// <summary>A sentence of <paramref name="frames"/> 20 ms frames, as the TTS sends it.</summary>
    private static Frame[] Sentence(long id, string text, int frames)
    {
        var progress = new SentenceAudio();
        progress.Add(frames * 320);
        progress.Finish();
        return [new TtsSentenceStartFrame(id, text, progress), .. Enumerable.Range(0, frames).Select(_ => new TtsAudioFrame(new AudioChunk(new short[320], FrameHarness.Rate), id)),
            new TtsSentenceEndFrame(id, text, frames * 320)];
    }

    [Fact]
    public async Task The_start_becomes_ready_and_transcripts_and_errors_become_their_events()
    {
        var clock = new TestClock();
        var (call, client, output) = Output(clock);
        await using var run = FrameHarness.Start(call, output);

        run.Send(new InterimTranscriptionFrame("a table"), new TranscriptionFrame("A table for two.", clock.GetUtcNow()), new ErrorFrame("careful", Fatal: false));
        await client.WaitForAsync<ErrorEvent>();

        Assert.Equal(["ready", "transcript", "transcript", "error"], client.Types);
        var events = client.Events.Select(e => e.Event).ToList();
        Assert.Equal(new ReadyEvent(call.SessionId, "c", FrameHarness.Rate), events[0]);
        Assert.Equal([new TranscriptEvent("user", "a table", false), new TranscriptEvent("user", "A table for two.", true)], events[1..3]);
        Assert.Equal(new ErrorEvent("careful", false), events[3]);
        // The caller's transcript stops here; the start goes on.
        Assert.Empty(run.Down.OfType<TranscriptionFrame>());
        Assert.Single(run.Down.OfType<StartFrame>());
    }

    [Fact]
    public async Task Reply_audio_is_paced_in_real_time_just_ahead_of_playback_with_speaking_state_both_ways_and_the_sentence_heard()
    {
        var clock = new TestClock();
        var (call, client, output) = Output(clock);
        await using var run = FrameHarness.Start(call, output);
        var started = clock.GetUtcNow();

        run.Send([new LlmResponseStartFrame(), .. Sentence(1, "Certainly, for when?", 50), new LlmResponseEndFrame()]);
        await run.RunClockUntilAsync(() => client.Types.Contains("bot_stopped_speaking"), TimeSpan.FromSeconds(10));

        var audio = client.Audio;
        Assert.Equal(50, audio.Count);
        var lead = TimeSpan.FromSeconds(call.Options.OutputLeadSeconds);
        for (var i = 0; i < audio.Count; i++)
        {
            // Chunk i plays at i × 20 ms and is sent no earlier than the lead before that.
            Assert.InRange(audio[i].At - started, TimeSpan.FromMilliseconds(20 * i) - lead, TimeSpan.FromMilliseconds(20 * i));
        }
        // The stop waits for the last chunk to have played.
        Assert.Equal(TimeSpan.FromSeconds(1), client.Events.Single(e => e.Event.Type == "bot_stopped_speaking").At - started);
        Assert.Equal(["ready", "bot_started_speaking", "transcript", "bot_stopped_speaking"], client.Types);
        Assert.Equal(new TranscriptEvent("assistant", "Certainly, for when?", true), client.Events[2].Event);
        // The caller's event and the frame upstream leave the transport one after the other: wait for the frame.
        await run.WaitForAsync<BotStoppedSpeakingFrame>(run.Up);
        Assert.Equal([typeof(BotStartedSpeakingFrame), typeof(BotStoppedSpeakingFrame)], run.Up.Frames.Select(f => f.GetType()));
        Assert.Equal(new SpokenTextFrame("Certainly, for when?", false), run.Down.OfType<SpokenTextFrame>().Single());
        Assert.Equal(("assistant", "Certainly, for when?"), (call.Transcript.Single().Speaker, call.Transcript.Single().Text));
        Assert.Equal(50 * 320, output.SamplesSent);
    }

    [Fact]
    public async Task A_barge_in_stops_the_audio_at_once_and_keeps_only_the_words_heard()
    {
        var clock = new TestClock();
        var (call, client, output) = Output(clock);
        await using var run = FrameHarness.Start(call, output);

        // Twelve words over 2 s: a barge-in at 0.5 s (plus the lead already sent) keeps about a quarter of them.
        run.Send([new LlmResponseStartFrame(), .. Sentence(1, "one two three four five six seven eight nine ten eleven twelve", 100), new LlmResponseEndFrame()]);
        await run.RunClockForAsync(TimeSpan.FromMilliseconds(500));
        var sent = client.Audio.Count;
        run.Send(new InterruptionFrame(clock.GetUtcNow()));
        await client.WaitForAsync<InterruptionEvent>();
        await run.AdvanceAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(sent, client.Audio.Count);
        Assert.Equal(["ready", "bot_started_speaking", "interruption", "bot_stopped_speaking"], client.Types.Where(t => t != "transcript"));
        var spoken = run.Down.OfType<SpokenTextFrame>().Single();
        Assert.True(spoken.Interrupted);
        Assert.Equal("one two three…", spoken.Text);
    }

    [Fact]
    public async Task An_end_waits_for_the_reply_to_play_out_and_goes_on_and_a_cancel_says_end_last_of_all()
    {
        var clock = new TestClock();
        var (call, client, output) = Output(clock);
        await using var run = FrameHarness.Start(call, output);
        var started = clock.GetUtcNow();

        run.Send([new LlmResponseStartFrame(), .. Sentence(1, "Goodbye.", 25), new LlmResponseEndFrame(), new EndFrame("agent_hang_up")]);
        await run.RunClockUntilAsync(() => run.Down.Frames.Any(f => f is EndFrame), TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(500), clock.GetUtcNow() - started);
        run.Send(new CancelFrame("agent_hang_up"), new TranscriptionFrame("too late", clock.GetUtcNow()));
        await run.WaitForAsync<CancelFrame>(run.Down);

        Assert.Equal(new EndEvent("agent_hang_up"), client.Events[^1].Event);
        Assert.DoesNotContain(client.Events, e => e.Event is TranscriptEvent { Text: "too late" });
    }
}
