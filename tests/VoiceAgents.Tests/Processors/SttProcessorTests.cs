using System.Runtime.CompilerServices;
using System.Threading.Channels;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Processors;

/// <summary>Speech-to-text as a processor: a turn's audio goes to the session, its transcript comes out as frames.</summary>
public sealed class SttProcessorTests
{
    /// <summary>Hears how many samples it was sent; interim results are whatever the test writes.</summary>
    private sealed class CountingSession : ISttSession
    {
        public Channel<SttResult> Interims { get; } = Channel.CreateUnbounded<SttResult>();
        public int Samples;

        /// <summary>Samples sent that were not silence.</summary>
        public int SpeechSamples;

        public ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct)
        {
            Interlocked.Add(ref Samples, pcm16k.Length);
            Interlocked.Add(ref SpeechSamples, pcm16k.Length - pcm16k.Span.Count((short)0));
            return ValueTask.CompletedTask;
        }

        public ValueTask<SttResult> FinalizeAsync(CancellationToken ct) => ValueTask.FromResult(new SttResult($"heard {Interlocked.Exchange(ref Samples, 0)} samples", true));

        public ValueTask<SttResult> FinalizeQuicklyAsync(CancellationToken ct) => ValueTask.FromResult(new SttResult($"quickly heard {Interlocked.Exchange(ref Samples, 0)} samples", true));

        public async IAsyncEnumerable<SttResult> InterimResultsAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var r in Interims.Reader.ReadAllAsync(ct)) yield return r;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        /// <summary>What the session was told of the caller's pauses, in order, with the samples it had by then.</summary>
        public List<string> Told { get; } = [];

        public void SpeechPaused()
        {
            lock (Told) Told.Add($"paused at {Volatile.Read(ref Samples)}");
        }

        public void SpeechPaused(TimeSpan turnEndsIn)
        {
            lock (Told) Told.Add($"paused at {Volatile.Read(ref Samples)}, the turn ending in {turnEndsIn.TotalMilliseconds} ms");
        }

        public void SpeechResumed()
        {
            lock (Told) Told.Add($"resumed at {Volatile.Read(ref Samples)}");
        }
    }

    private static InputAudioFrame Audio() => new(new AudioChunk(new short[320], 16000));

    [Fact]
    public async Task A_turns_audio_with_its_pre_roll_becomes_one_transcript_frame_and_a_transcript_turn_and_no_audio_goes_further()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var started = clock.GetUtcNow();

        run.Send(Audio(), Audio(), new UserStartedSpeakingFrame(started), Audio(), Audio(), Audio(), new UserStoppedSpeakingFrame(started, started));
        var transcript = await run.WaitForAsync<TranscriptionFrame>(run.Down);
        await run.FlushAsync();

        // Two frames of pre-roll and three of the turn.
        Assert.Equal("heard 1600 samples", transcript.Text);
        Assert.Equal(("user", "heard 1600 samples"), (call.Transcript[0].Speaker, call.Transcript[0].Text));
        Assert.Empty(run.Down.OfType<InputAudioFrame>());
        Assert.Equal(2, run.Down.Frames.Count(f => f is UserStartedSpeakingFrame or UserStoppedSpeakingFrame));
    }

    [Theory]
    [InlineData(VoiceAgents.Core.Domain.TurnSettings.Adaptive, "quickly heard 960 samples")]
    [InlineData(VoiceAgents.Core.Domain.TurnSettings.Fixed, "heard 960 samples")]
    public async Task An_agent_whose_turns_end_adaptively_takes_the_sessions_quickest_transcript_and_one_with_a_fixed_silence_its_most_accurate(string mode, string heard)
    {
        var clock = new TestClock();
        var agent = FrameHarness.SpeechInterrupts();
        agent.Turn = new VoiceAgents.Core.Domain.TurnSettings { Mode = mode };
        var call = FrameHarness.Call(clock, agent);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var at = clock.GetUtcNow();

        run.Send(new UserStartedSpeakingFrame(at), Audio(), Audio(), Audio(), new UserStoppedSpeakingFrame(at, at));

        Assert.Equal(heard, (await run.WaitForAsync<TranscriptionFrame>(run.Down)).Text);
    }

    [Theory]
    [InlineData(VoiceAgents.Core.Domain.TurnSettings.Fixed, 1500, "paused at 320, the turn ending in 1300 ms")]
    [InlineData(VoiceAgents.Core.Domain.TurnSettings.Adaptive, 1500, "paused at 320")]
    public async Task A_fixed_turn_tells_the_session_at_a_pause_when_the_turn_will_end_and_an_adaptive_one_cannot(string mode, int waitMs, string told)
    {
        var clock = new TestClock();
        var agent = FrameHarness.SpeechInterrupts();
        agent.Turn = new VoiceAgents.Core.Domain.TurnSettings { Mode = mode, WaitMs = waitMs };
        var call = FrameHarness.Call(clock, agent);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var at = clock.GetUtcNow();

        run.Send(new UserStartedSpeakingFrame(at), Audio(), new VadSpeechStoppedFrame(at), new UserStoppedSpeakingFrame(at, at));
        await run.WaitForAsync<TranscriptionFrame>(run.Down);

        lock (session.Told) Assert.Equal([told], session.Told);
    }

    [Fact]
    public async Task A_turn_whose_speech_the_vad_confirmed_860_ms_late_reaches_the_session_from_its_first_sample()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var started = clock.GetUtcNow();
        static InputAudioFrame Speech() => new(new AudioChunk(Enumerable.Repeat((short)1000, 320).ToArray(), 16000));

        // Silence, then speech that Silero took 860 ms to confirm (a soft onset on bench/Offline's sentences took up to 844).
        run.Send([.. Enumerable.Range(0, 25).Select(_ => Audio()), .. Enumerable.Range(0, 43).Select(_ => Speech()), new UserStartedSpeakingFrame(started), Speech(), new UserStoppedSpeakingFrame(started, started)]);
        await run.WaitForAsync<TranscriptionFrame>(run.Down);

        Assert.Equal(44 * 320, session.SpeechSamples);
    }

    [Fact]
    public async Task Each_pause_in_a_turn_is_told_to_the_session_after_the_audio_before_it_and_pauses_outside_a_turn_are_not()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var at = clock.GetUtcNow();

        // The VAD's frames come in the audio's order; the turn detector sends its own after the VAD's first start.
        run.Send(Audio(), new VadSpeechStoppedFrame(at), new UserStartedSpeakingFrame(at), new VadSpeechStartedFrame(at), Audio(),
            new VadSpeechStoppedFrame(at), Audio(), new VadSpeechStartedFrame(at), Audio(), new VadSpeechStoppedFrame(at),
            new UserStoppedSpeakingFrame(at, at), new VadSpeechStartedFrame(at), Audio());
        await run.WaitForAsync<TranscriptionFrame>(run.Down);
        await run.FlushAsync();

        // One frame of pre-roll, then the turn: a start with nothing begun, two pauses, one resumption between them.
        // A fixed turn (the default, 800 ms) says when it will end: 600 ms after the VAD's stop, 200 ms into the silence.
        lock (session.Told) Assert.Equal(["resumed at 320", "paused at 640, the turn ending in 600 ms", "resumed at 960", "paused at 1280, the turn ending in 600 ms"], session.Told);
        Assert.Equal(3, run.Down.OfType<VadSpeechStoppedFrame>().Count());
    }

    [Fact]
    public async Task A_call_that_ends_mid_turn_has_the_turn_transcribed_before_the_processor_stops()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));

        run.Send(new UserStartedSpeakingFrame(clock.GetUtcNow()), Audio(), Audio());
        await run.FlushAsync();
        run.Send(new CancelFrame("caller_ended"));
        await run.WaitForAsync<CancelFrame>(run.Down);
        await run.DisposeAsync();

        var turn = Assert.Single(call.Transcript);
        Assert.Equal(("user", "heard 640 samples"), (turn.Speaker, turn.Text));
    }

    [Fact]
    public async Task Interim_results_come_out_as_interim_transcription_frames_and_the_final_one_as_a_transcription_frame()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));

        session.Interims.Writer.TryWrite(new SttResult("I would", false));
        session.Interims.Writer.TryWrite(new SttResult("", false));
        session.Interims.Writer.TryWrite(new SttResult("I would like", false));
        await run.WaitForAsync<InterimTranscriptionFrame>(run.Down, f => f.Text == "I would like");
        run.Send(new UserStartedSpeakingFrame(clock.GetUtcNow()), Audio(), new UserStoppedSpeakingFrame(clock.GetUtcNow(), clock.GetUtcNow()));
        var final = await run.WaitForAsync<TranscriptionFrame>(run.Down);

        Assert.Equal(["I would", "I would like"], run.Down.OfType<InterimTranscriptionFrame>().Select(f => f.Text));
        Assert.Equal("heard 320 samples", final.Text);
    }

    [Fact]
    public async Task Interims_say_upstream_whether_they_have_heard_the_end_of_the_speech_and_reach_the_caller_only_when_their_words_change()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var ended = clock.GetUtcNow();
        static SttResult Heard(string text, int samples) => new(text, false, HeardUntil: TimeSpan.FromSeconds(samples / 16000.0));

        // 100 ms of speech sent; the STT has heard 50 ms of it.
        run.Send(new UserStartedSpeakingFrame(ended), Audio(), Audio(), Audio(), Audio(), Audio());
        await run.FlushAsync();
        session.Interims.Writer.TryWrite(Heard("a table", 800));
        Assert.Equal((false, (DateTimeOffset?)null), Said(await run.WaitForAsync<InterimTranscriptionFrame>(run.Up)));
        // The VAD's 200 ms of silence, then its stop: the speech ended at sample 1,600, which the STT has not heard.
        for (var i = 0; i < 10; i++) run.Send(Audio());
        run.Send(new VadSpeechStoppedFrame(ended));
        await run.FlushAsync();
        Assert.Single(run.Up.OfType<InterimTranscriptionFrame>());
        session.Interims.Writer.TryWrite(Heard("a table", 1_400));
        session.Interims.Writer.TryWrite(Heard("a table", 2_000));
        await run.WaitForAsync<InterimTranscriptionFrame>(run.Up, f => f.HeardSpeechEnd == true);

        Assert.Equal([(false, null), (false, ended), (true, ended)], run.Up.OfType<InterimTranscriptionFrame>().Select(Said));
        Assert.Equal(["a table"], run.Down.OfType<InterimTranscriptionFrame>().Select(f => f.Text));
    }

    private static (bool?, DateTimeOffset?) Said(InterimTranscriptionFrame f) => (f.HeardSpeechEnd, f.SpeechEndedAt);

    [Fact]
    public async Task An_interim_that_had_heard_past_the_speech_end_before_the_vads_stop_tells_the_turn_detector_at_the_stop()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var ended = clock.GetUtcNow();

        run.Send(new UserStartedSpeakingFrame(ended));
        for (var i = 0; i < 15; i++) run.Send(Audio());
        await run.FlushAsync();
        // 300 ms sent, the speech ended at 100 ms (the VAD's stop comes 200 ms later), and the STT has heard 250 ms.
        session.Interims.Writer.TryWrite(new SttResult("a table", false, HeardUntil: TimeSpan.FromMilliseconds(250)));
        await run.WaitForAsync<InterimTranscriptionFrame>(run.Up);
        run.Send(new VadSpeechStoppedFrame(ended));

        var told = await run.WaitForAsync<InterimTranscriptionFrame>(run.Up, f => f.HeardSpeechEnd == true);
        Assert.Equal(("a table", ended), (told.Text, told.SpeechEndedAt));
    }

    [Fact]
    public async Task Interim_results_also_go_back_upstream_where_an_adaptive_turn_detector_ends_the_turn_on_them()
    {
        var clock = new TestClock();
        var agent = FrameHarness.SpeechInterrupts();
        agent.Turn = new VoiceAgents.Core.Domain.TurnSettings { Mode = VoiceAgents.Core.Domain.TurnSettings.Adaptive };
        var call = FrameHarness.Call(clock, agent);
        var session = new CountingSession();
        await using var run = FrameHarness.Start(call, new TurnProcessor(call), new SttProcessor(call, _ => ValueTask.FromResult<ISttSession>(session)));
        var ended = clock.GetUtcNow();
        run.Send(new VadSpeechStartedFrame(ended));
        await run.WaitForAsync<UserStartedSpeakingFrame>(run.Down);

        // Whatever the vendor (PocketSphinx, Deepgram), its interims reach the turn detector before the caller.
        session.Interims.Writer.TryWrite(new SttResult("I would like a table tonight", false));
        await run.WaitForAsync<InterimTranscriptionFrame>(run.Down);
        run.Send(new VadSpeechStoppedFrame(ended));
        await run.FlushAsync();
        // The short wait's length of the caller's audio, at its moment on the clock.
        clock.Advance(TimeSpan.FromMilliseconds(VoiceAgents.Core.Domain.TurnSettings.DefaultShortWaitMs));
        run.Send(new InputAudioFrame(new AudioChunk(new short[16 * VoiceAgents.Core.Domain.TurnSettings.DefaultShortWaitMs], 16000)));

        var stopped = await run.WaitForAsync<UserStoppedSpeakingFrame>(run.Down);
        Assert.Equal(TimeSpan.FromMilliseconds(VoiceAgents.Core.Domain.TurnSettings.DefaultShortWaitMs), stopped.At - ended);
        Assert.Empty(run.Up.OfType<InterimTranscriptionFrame>());
    }

    [Fact]
    public async Task An_stt_that_cannot_connect_tells_the_caller_apologises_and_ends_the_call_for_provider_unavailable()
    {
        var call = FrameHarness.Call(new TestClock());
        await using var run = FrameHarness.Start(call, new SttProcessor(call, _ => throw new ProviderUnavailableException("stt")));
        run.Send(Audio(), Audio());

        var end = await run.WaitForAsync<EndFrame>(run.Down);
        var error = await run.WaitForAsync<ErrorFrame>(run.Down);
        await run.FlushAsync();

        Assert.Equal("provider_unavailable", end.Reason);
        Assert.False(error.Fatal);
        Assert.Single(run.Down.OfType<ErrorFrame>());
        Assert.Equal([typeof(LlmResponseStartFrame), typeof(TextFrame), typeof(LlmResponseEndFrame), typeof(EndFrame)],
            run.Down.Frames.Where(f => f is not (StartFrame or ErrorFrame or FrameHarness.Marker)).Select(f => f.GetType()));
        Assert.Equal(Apology.Text, run.Down.OfType<TextFrame>().Single().Text);
        Assert.Empty(run.Down.OfType<InputAudioFrame>());
    }
}
