using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// When a caller's turn ends (the agent's <c>turn</c>), through the turn detector with the frames harness: the
/// caller's audio goes in at the head, the STT's interim transcripts come back upstream at the tail, as the
/// <see cref="SttProcessor"/> sends them, and the clock is fake.
/// </summary>
public sealed class TurnEndTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    private static Agent Agent(TurnSettings? turn, SilenceSettings? silence = null)
    {
        var agent = FrameHarness.SpeechInterrupts();
        agent.Turn = turn;
        agent.Silence = silence;
        return agent;
    }

    private static InputAudioFrame Audio() => new(new AudioChunk(new short[320], 16000));

    /// <summary>A caller who spoke and then went quiet at the clock's start, as the VAD reports it.</summary>
    private static async Task<(FrameHarness Run, DateTimeOffset SpeechEnded)> SpokeAsync(TestClock clock, Agent agent, string? interim)
    {
        var call = FrameHarness.Call(clock, agent);
        var run = FrameHarness.Start(call, new TurnProcessor(call));
        var ended = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(ended));
        await run.WaitForAsync<UserStartedSpeakingFrame>(run.Down);
        if (interim is not null) run.SendUp(new InterimTranscriptionFrame(interim));
        run.Send(new VadSpeechStoppedFrame(ended));
        await run.FlushAsync();
        return (run, ended);
    }

    /// <summary>Sends <paramref name="length"/> of silence 20 ms at a time, each at its moment on the clock, as a caller's audio comes.</summary>
    private static async Task SilenceAsync(FrameHarness run, TestClock clock, TimeSpan length)
    {
        for (var sent = TimeSpan.Zero; sent < length; sent += Frame)
        {
            clock.Advance(Frame);
            run.Send(Audio());
        }
        await run.FlushAsync();
    }

    /// <summary>Sends 20 ms of silence at a time, each at its moment on the clock, until the turn ends; returns the silence it took.</summary>
    private static async Task<TimeSpan> SilenceUntilTheTurnEndsAsync(FrameHarness run, TestClock clock, DateTimeOffset speechEnded, TimeSpan limit)
    {
        while (clock.GetUtcNow() - speechEnded < limit)
        {
            clock.Advance(Frame);
            run.Send(Audio());
            await run.FlushAsync();
            if (run.Down.OfType<UserStoppedSpeakingFrame>().FirstOrDefault() is { } stopped) return stopped.At - speechEnded;
        }
        throw new TimeoutException($"no turn end within {limit}");
    }

    [Fact]
    public async Task Fixed_mode_ends_the_turn_after_the_agents_own_silence_whatever_the_transcript_says()
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Fixed, WaitMs = 1_200 }), "a table for two");
        await using var _ = run;

        Assert.Equal(TimeSpan.FromMilliseconds(1_200), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
        Assert.Equal(ended, run.Down.OfType<UserStoppedSpeakingFrame>().Single().SpeechEndedAt);
    }

    [Fact]
    public async Task Silence_is_counted_in_the_callers_audio_so_audio_that_comes_late_and_all_at_once_does_not_end_the_turn_early()
    {
        // A stall of a second after the caller paused (the network, or this pipeline behind on a loaded machine), then
        // the audio comes in a burst: the caller's sentence went on in it. Counted on the clock, the pause "lasted" the
        // stall and the turn ended in the middle of their sentence; over a bot that made one barge-in two.
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Fixed, WaitMs = 800 }), "wait stop");
        await using var _ = run;
        clock.Advance(TimeSpan.FromSeconds(1));

        var frames = 0;
        while (!run.Down.OfType<UserStoppedSpeakingFrame>().Any())
        {
            run.Send(Audio());
            await run.FlushAsync();
            frames++;
            Assert.True(frames <= 100, "no turn end after 2 s of silent audio");
        }

        // The turn ended after 800 ms of the caller's audio, however long the clock says it was.
        Assert.Equal(800 / 20, frames);
        Assert.Equal(ended, run.Down.OfType<UserStoppedSpeakingFrame>().Single().SpeechEndedAt);
    }

    [Fact]
    public async Task An_agent_without_a_turn_setting_waits_the_platforms_turn_end()
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(null), "a table for two");
        await using var _ = run;

        Assert.Equal(TimeSpan.FromSeconds(new VoiceAgents.VoiceHost.Configuration.VoiceOptions().TurnEndSeconds),
            await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Adaptive_mode_ends_a_complete_settled_sentence_after_the_short_wait()
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive }), "I would like a table tonight.");
        await using var _ = run;

        Assert.Equal(TimeSpan.FromMilliseconds(TurnSettings.DefaultShortWaitMs), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("I would like a table and")]
    [InlineData("so um")]
    [InlineData("put it on the")]
    [InlineData("my number is five five")]
    [InlineData("my number is 55")]
    public async Task Adaptive_mode_waits_the_long_wait_when_the_transcript_ends_on_a_hesitation_or_a_word_that_carries_on(string interim)
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive, LongWaitMs = 1_400 }), interim);
        await using var _ = run;

        Assert.Equal(TimeSpan.FromMilliseconds(1_400), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Adaptive_mode_keeps_the_turn_open_over_a_pause_after_and_and_ends_it_early_once_the_sentence_is_complete()
    {
        var clock = new TestClock();
        var (run, firstPause) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive }), "a table for two and");
        await using var _ = run;

        // 900 ms into the pause the caller goes on: the turn is still theirs.
        while (clock.GetUtcNow() - firstPause < TimeSpan.FromMilliseconds(900))
        {
            clock.Advance(Frame);
            run.Send(Audio());
        }
        run.Send(new VadSpeechStartedFrame(clock.GetUtcNow()));
        run.SendUp(new InterimTranscriptionFrame("a table for two and a high chair"));
        var ended = clock.GetUtcNow();
        run.Send(new VadSpeechStoppedFrame(ended));
        await run.FlushAsync();
        Assert.Single(run.Down.OfType<UserStartedSpeakingFrame>());
        Assert.Empty(run.Down.OfType<UserStoppedSpeakingFrame>());

        Assert.Equal(TimeSpan.FromMilliseconds(TurnSettings.DefaultShortWaitMs), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
        Assert.Equal(ended, run.Down.OfType<UserStoppedSpeakingFrame>().Single().SpeechEndedAt);
    }

    [Fact]
    public async Task Adaptive_mode_waits_for_a_transcript_that_is_still_changing_to_settle()
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive }), "a table");
        await using var _ = run;
        await SilenceAsync(run, clock, TimeSpan.FromMilliseconds(260));
        // The STT, lagging the audio, hears one more word 260 ms into the silence.
        run.SendUp(new InterimTranscriptionFrame("a table for tonight"));
        await run.FlushAsync();

        var settled = TimeSpan.FromMilliseconds(260) + TurnEndPolicy.StableFor;
        // Decided on the first audio frame once it has settled.
        Assert.InRange(await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)), settled, settled + Frame - TimeSpan.FromTicks(1));
    }

    [Fact]
    public async Task Adaptive_mode_waits_for_a_transcript_that_has_heard_the_end_of_the_speech_and_ends_the_turn_once_it_has()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive }));
        await using var run = FrameHarness.Start(call, new TurnProcessor(call));
        var ended = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(ended));
        await run.WaitForAsync<UserStartedSpeakingFrame>(run.Down);
        // The STT says what it has heard: a complete sentence, but not yet up to the end of the speech (a loaded machine).
        run.SendUp(new InterimTranscriptionFrame("I would like a table", false));
        run.Send(new VadSpeechStoppedFrame(ended));
        await run.FlushAsync();
        await SilenceAsync(run, clock, TimeSpan.FromMilliseconds(500));
        Assert.Empty(run.Down.OfType<UserStoppedSpeakingFrame>());

        // 500 ms into the silence it has caught up, with no word more.
        run.SendUp(new InterimTranscriptionFrame("I would like a table", true, ended));
        await run.FlushAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(520), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Adaptive_mode_takes_a_transcript_that_heard_an_earlier_speech_end_as_behind_and_waits_the_long_wait()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive, LongWaitMs = 1_200 }));
        await using var run = FrameHarness.Start(call, new TurnProcessor(call));
        var firstEnd = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(firstEnd), new VadSpeechStoppedFrame(firstEnd));
        await run.FlushAsync();
        run.SendUp(new InterimTranscriptionFrame("I would like a table", true, firstEnd));
        await run.FlushAsync();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        // The caller went on before the short wait was over; the STT has not heard the new speech's end.
        var ended = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(ended), new VadSpeechStoppedFrame(ended));
        await run.FlushAsync();
        run.SendUp(new InterimTranscriptionFrame("I would like a table", true, firstEnd));
        await run.FlushAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(1_200), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Adaptive_mode_with_no_interim_transcript_waits_the_fixed_silence()
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive, WaitMs = 1_000 }), null);
        await using var _ = run;

        Assert.Equal(TimeSpan.FromMilliseconds(1_000), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("I want bananas", 1_500)]
    [InlineData("a table for two and", 300)]
    public async Task An_agents_own_hold_words_replace_its_languages_list(string interim, int waitMs)
    {
        var clock = new TestClock();
        var (run, ended) = await SpokeAsync(clock, Agent(new TurnSettings { Mode = TurnSettings.Adaptive, HoldWords = ["Bananas"] }), interim);
        await using var _ = run;

        Assert.Equal(TimeSpan.FromMilliseconds(waitMs), await SilenceUntilTheTurnEndsAsync(run, clock, ended, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task The_vad_events_pass_the_turn_detector_so_a_caller_talking_longer_than_the_hang_up_time_is_not_hung_up_on()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(null, new SilenceSettings { HangupAfterS = 10 }));
        await using var run = FrameHarness.Start(call, new TurnProcessor(call), new CallLimitProcessor(call, "silence", "max"));
        var start = clock.GetUtcNow();

        await run.AdvanceAsync(TimeSpan.FromSeconds(1));
        run.Send(new VadSpeechStartedFrame(clock.GetUtcNow()));
        await run.WaitForAsync<VadSpeechStartedFrame>(run.Down);
        await run.AdvanceAsync(TimeSpan.FromSeconds(20));
        var stopped = clock.GetUtcNow();
        run.Send(new VadSpeechStoppedFrame(stopped));
        await run.WaitForAsync<VadSpeechStoppedFrame>(run.Down);
        await run.RunClockUntilAsync(() => run.Down.Frames.Any(f => f is EndFrame), TimeSpan.FromSeconds(30));

        Assert.Equal("silence", (await run.WaitForAsync<EndFrame>(run.Down)).Reason);
        Assert.Equal(stopped + TimeSpan.FromSeconds(10), clock.GetUtcNow());
        Assert.True(clock.GetUtcNow() - start > TimeSpan.FromSeconds(30));
    }
}
