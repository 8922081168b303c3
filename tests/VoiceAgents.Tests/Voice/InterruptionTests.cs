using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Processors;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// An agent's <c>interruption</c> settings on the pipeline, with a fake clock: turn detection, the interruption
/// stage, the TTS and the output. The STT's transcripts go in at the head, as the STT stage would send them.
/// </summary>
public sealed class InterruptionTests
{
    private const int Rate = 16000;
    private const string Sentence = "one two three four five six seven eight nine ten eleven twelve.";
    private static readonly TimeSpan AudioFrame = TimeSpan.FromMilliseconds(20);

    private sealed class Bot : IAsyncDisposable
    {
        public required FrameHarness Run { get; init; }
        public required RecordingClient Client { get; init; }
        public required AssistantContextProcessor Assistant { get; init; }
        public required CallContext Call { get; init; }
        public TestClock Clock => Run.Clock;

        public static async Task<Bot> SpeakingAsync(InterruptionSettings? interruption)
        {
            var clock = new TestClock();
            var client = new RecordingClient(clock);
            var call = FrameHarness.Call(clock, FrameHarness.Agent(interruption));
            var assistant = new AssistantContextProcessor(call);
            var run = FrameHarness.Start(call,
                new TurnProcessor(call),
                new InterruptionProcessor(call),
                new SentenceProcessor(call),
                new TtsProcessor(call, new ToneTts(6), Rate),
                new OutputTransport(call, client, Rate, new VoiceMetrics()),
                assistant);
            run.Send(new LlmResponseStartFrame(), new LlmTextFrame(Sentence + " "), new LlmResponseEndFrame());
            // The bot talks for a second of (fake) time.
            await run.RunClockForAsync(TimeSpan.FromSeconds(1));
            Assert.Contains(client.Events, e => e.Event is SpeakingEvent { Type: "bot_started_speaking" });
            return new Bot { Run = run, Client = client, Assistant = assistant, Call = call };
        }

        /// <summary>The caller speaks for <paramref name="length"/> (the VAD reports it 200 ms in), with audio frames as the clock, then stops.</summary>
        public async Task SpeakAsync(TimeSpan length)
        {
            var began = Clock.GetUtcNow();
            await Run.AdvanceAsync(TimeSpan.FromMilliseconds(200));
            // Each frame is let through before the clock moves on, so the speech is timed by the clock it was sent at
            // (an interruption came 680 ms into 500 ms of speech on a loaded machine when frames queued behind the clock).
            Run.Send(new VadSpeechStartedFrame(Clock.GetUtcNow()));
            await Run.FlushAsync();
            while (Clock.GetUtcNow() - began < length)
            {
                await Run.AdvanceAsync(AudioFrame);
                Run.Send(Audio());
                await Run.FlushAsync();
            }
            Run.Send(new VadSpeechStoppedFrame(Clock.GetUtcNow()));
            await Run.FlushAsync();
        }

        /// <summary>The turn-end silence passes (audio frames being the turn detector's clock): the turn ends.</summary>
        public async Task<UserStoppedSpeakingFrame> EndTurnAsync()
        {
            for (var i = 0; i < 45; i++)
            {
                await Run.AdvanceAsync(AudioFrame);
                Run.Send(Audio());
                await Run.FlushAsync();
            }
            return await Run.WaitForAsync<UserStoppedSpeakingFrame>(Run.Down);
        }

        public async Task PlaysToTheEndAsync()
        {
            await Run.RunClockUntilAsync(() => Client.Types.Count(t => t == "bot_stopped_speaking") > 0, TimeSpan.FromSeconds(10));
            await Run.FlushAsync();
        }

        public bool Interrupted => Client.Events.Any(e => e.Event is InterruptionEvent);

        public double SecondsPlayed => Client.Audio.Sum(a => a.Samples) / (double)Rate;

        private static InputAudioFrame Audio() => new(new AudioChunk(new short[320], Rate));

        public ValueTask DisposeAsync() => Run.DisposeAsync();
    }

    [Fact]
    public async Task A_backchannel_during_bot_speech_does_not_interrupt_and_the_bot_audio_plays_to_the_end()
    {
        await using var bot = await Bot.SpeakingAsync(null);

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(400));
        await bot.EndTurnAsync();
        bot.Run.Send(new TranscriptionFrame("Okay.", bot.Clock.GetUtcNow()));
        await bot.PlaysToTheEndAsync();

        Assert.False(bot.Interrupted);
        Assert.InRange(bot.SecondsPlayed, 5.99, 6.01);
        var spoken = Assert.Single(bot.Assistant.Spoken);
        Assert.False(spoken.Interrupted);
        // Not a turn: nothing answers it and the conversation never holds it.
        Assert.DoesNotContain(bot.Client.Events, e => e.Event is TranscriptEvent { Role: "user" });
        Assert.DoesNotContain(bot.Call.Conversation.Snapshot(), m => m.Role == ChatMessage.User);
        // Nor is it timed: the bot's audio that went on was no answer to it.
        Assert.DoesNotContain(bot.Client.Events, e => e.Event is MetricsEvent);
    }

    [Fact]
    public async Task Wait_stop_during_bot_speech_interrupts_once_its_words_arrive_and_becomes_the_callers_turn()
    {
        await using var bot = await Bot.SpeakingAsync(null);

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(600));
        // Speech alone does not stop the bot: it waits for the words.
        Assert.False(bot.Interrupted);
        var heardAt = bot.Clock.GetUtcNow();
        bot.Run.Send(new TranscriptionFrame("wait stop", heardAt));
        await bot.Client.WaitForAsync<InterruptionEvent>();
        await bot.Run.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.DoesNotContain(bot.Client.Audio, a => a.At > heardAt + TimeSpan.FromMilliseconds(100));
        Assert.Contains(bot.Client.Events, e => e.Event is TranscriptEvent { Role: "user", Text: "wait stop" });
        Assert.True(Assert.Single(bot.Assistant.Spoken).Interrupted);
    }

    [Fact]
    public async Task Interim_words_interrupt_before_the_turn_ends_but_an_unfinished_backchannel_does_not()
    {
        await using var bot = await Bot.SpeakingAsync(null);

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(300));
        bot.Run.Send(new InterimTranscriptionFrame("uh"));
        await bot.Run.FlushAsync();
        Assert.False(bot.Interrupted);
        bot.Run.Send(new InterimTranscriptionFrame("uh hold on"));
        await bot.Client.WaitForAsync<InterruptionEvent>();
    }

    [Fact]
    public async Task Min_words_2_lets_a_one_word_barge_in_pass_and_a_two_word_one_interrupt()
    {
        await using var bot = await Bot.SpeakingAsync(new InterruptionSettings { MinWords = 2 });

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(400));
        bot.Run.Send(new TranscriptionFrame("stop", bot.Clock.GetUtcNow()));
        await bot.EndTurnAsync();
        await bot.Run.FlushAsync();
        Assert.False(bot.Interrupted);
        Assert.DoesNotContain(bot.Client.Events, e => e.Event is TranscriptEvent { Role: "user" });

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(400));
        bot.Run.Send(new TranscriptionFrame("stop now", bot.Clock.GetUtcNow()));
        await bot.Client.WaitForAsync<InterruptionEvent>();
        Assert.True(bot.SecondsPlayed < 5);
    }

    [Fact]
    public async Task Min_duration_ms_keeps_shorter_speech_from_interrupting_and_longer_speech_interrupts_when_it_is_reached()
    {
        await using var bot = await Bot.SpeakingAsync(new InterruptionSettings { Backchannels = [], MinDurationMs = 500 });

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(420));
        Assert.False(bot.Interrupted);
        await bot.EndTurnAsync();

        var began = bot.Clock.GetUtcNow();
        await bot.SpeakAsync(TimeSpan.FromMilliseconds(700));
        var interruption = await bot.Client.WaitForAsync<InterruptionEvent>();
        var at = bot.Client.Events.Single(e => e.Event == interruption).At;
        Assert.InRange(at - began, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(540));
    }

    [Fact]
    public async Task A_false_interruption_resumes_the_cut_sentence_from_where_the_caller_stopped_hearing_it()
    {
        await using var bot = await Bot.SpeakingAsync(new InterruptionSettings { Backchannels = [], ResumeAfterMs = 1_000 });

        // A cough: speech to the VAD, no words to the STT.
        await bot.SpeakAsync(TimeSpan.FromMilliseconds(300));
        await bot.Client.WaitForAsync<InterruptionEvent>();
        var turnEnded = (await bot.EndTurnAsync()).At;
        await bot.Run.AdvanceAsync(TimeSpan.FromMilliseconds(900) - (bot.Clock.GetUtcNow() - turnEnded));
        Assert.Single(bot.Assistant.Spoken);
        await bot.Run.RunClockUntilAsync(() => bot.Client.Types.Count(t => t == "bot_stopped_speaking") == 2, TimeSpan.FromSeconds(10));
        await bot.Run.FlushAsync();

        var cut = bot.Assistant.Spoken[0];
        Assert.True(cut.Interrupted);
        var heard = cut.Text.TrimEnd('…').Split(' ');
        var resumed = bot.Assistant.Spoken[1];
        Assert.False(resumed.Interrupted);
        // The rest of the sentence, from the first word the caller did not hear, nothing said twice and nothing lost.
        Assert.Equal(Sentence, string.Join(' ', heard) + " " + resumed.Text);
        var resumedAt = bot.Client.Events.Where(e => e.Event is SpeakingEvent { Type: "bot_started_speaking" }).Skip(1).First().At;
        Assert.InRange(resumedAt - turnEnded, TimeSpan.FromMilliseconds(1_000), TimeSpan.FromMilliseconds(1_100));
    }

    [Fact]
    public async Task An_interruption_whose_words_arrive_is_not_resumed()
    {
        await using var bot = await Bot.SpeakingAsync(new InterruptionSettings { Backchannels = [], ResumeAfterMs = 1_000 });

        await bot.SpeakAsync(TimeSpan.FromMilliseconds(300));
        await bot.Client.WaitForAsync<InterruptionEvent>();
        await bot.EndTurnAsync();
        bot.Run.Send(new TranscriptionFrame("what time is it", bot.Clock.GetUtcNow()));
        await bot.Run.AdvanceAsync(TimeSpan.FromSeconds(3));
        await bot.Run.FlushAsync();

        Assert.Single(bot.Assistant.Spoken);
        Assert.Equal(1, bot.Client.Types.Count(t => t == "bot_started_speaking"));
        Assert.Contains(bot.Client.Events, e => e.Event is TranscriptEvent { Role: "user", Text: "what time is it" });
    }
}
