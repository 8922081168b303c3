using System.Runtime.CompilerServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Processors;

/// <summary>Text to speech as a processor: each sentence's audio in 20 ms frames at the output rate, between a start and an end.</summary>
public sealed class TtsProcessorTests
{
    /// <summary>Says any piece as a tone at 24 kHz lasting one second per <see cref="CharsPerSecond"/> characters, noting when each piece was asked for.</summary>
    private sealed class ToneTts(TimeProvider time, Exception? failure = null) : ITtsProvider
    {
        public const int SampleRate = 24000;
        public const double CharsPerSecond = 14;
        public List<(DateTimeOffset At, string Text)> Pieces { get; } = [];
        public string Name => "tone";

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
        {
            lock (Pieces) Pieces.Add((time.GetUtcNow(), text));
            if (failure is not null) throw failure;
            var samples = (int)(text.Length / CharsPerSecond * SampleRate);
            for (var i = 0; i < samples; i += 2400)
            {
                await Task.Yield();
                yield return new AudioChunk(new short[Math.Min(2400, samples - i)], SampleRate);
            }
        }
    }

    [Fact]
    public async Task A_sentence_becomes_20_ms_frames_at_the_output_rate_between_its_start_and_its_end()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var metrics = new VoiceMetrics();
        const string sentence = "A table for two at eight.";

        var (down, _) = await FrameHarness.RunAsync(call, [new TtsProcessor(call, new ToneTts(clock), FrameHarness.Rate, metrics)],
            new LlmResponseStartFrame(), new TextFrame(sentence, 7), new LlmResponseEndFrame());

        var start = Assert.IsType<TtsSentenceStartFrame>(down[1]);
        var end = Assert.IsType<TtsSentenceEndFrame>(down[^2]);
        var audio = down.OfType<TtsAudioFrame>().ToList();
        var expected = (int)(sentence.Length / ToneTts.CharsPerSecond * ToneTts.SampleRate) * 2 / 3;
        Assert.Equal((7L, 7L, sentence), (start.SentenceId, end.SentenceId, end.Text));
        Assert.InRange(end.TotalSamples, expected - 40, expected + 40);
        Assert.Equal(end.TotalSamples, audio.Sum(a => a.Audio.Length));
        Assert.All(audio.SkipLast(1), a => Assert.Equal((320, FrameHarness.Rate, 7L), (a.Audio.Length, a.Audio.SampleRate, a.SentenceId)));
        Assert.True(start.Progress.Complete);
        Assert.Equal(end.TotalSamples, start.Progress.Samples);
        Assert.Equal(0, metrics.TtsInFlight);
    }

    [Fact]
    public async Task A_long_sentence_is_asked_for_a_piece_at_a_time_as_playback_catches_up()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var tts = new ToneTts(clock);
        var sentence = string.Join(' ', Enumerable.Repeat("we have a table by the window", 40));
        await using var run = FrameHarness.Start(call, new TtsProcessor(call, tts, FrameHarness.Rate));

        run.Send(new LlmResponseStartFrame(), new TextFrame(sentence, 1), new LlmResponseEndFrame());
        await run.RunClockUntilAsync(() => run.Down.Frames.Any(f => f is TtsSentenceEndFrame), TimeSpan.FromMinutes(5));

        List<(DateTimeOffset At, string Text)> pieces;
        lock (tts.Pieces) pieces = [.. tts.Pieces];
        Assert.Equal(SpeechText.Pieces(sentence), pieces.Select(p => p.Text));
        var started = pieces[0].At;
        for (var i = 1; i < pieces.Count; i++)
        {
            // When a piece is asked for, what was made before it runs at most the lookahead past that moment.
            var made = pieces.Take(i).Sum(p => p.Text.Length / ToneTts.CharsPerSecond);
            var now = (pieces[i].At - started).TotalSeconds;
            Assert.InRange(made - now, 0, TtsProcessor.Lookahead.TotalSeconds + 0.1);
        }
    }

    [Fact]
    public async Task A_voice_that_fails_tells_the_caller_fatally_and_ends_the_call_as_provider_unavailable()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        await using var run = FrameHarness.Start(call, new TtsProcessor(call, new ToneTts(clock, new ProviderException("tone", "down")), FrameHarness.Rate));

        run.Send(new LlmResponseStartFrame(), new TextFrame("Hello.", 1), new LlmResponseEndFrame());
        var end = await run.WaitForAsync<EndFrame>(run.Down);
        var error = await run.WaitForAsync<ErrorFrame>(run.Down);

        Assert.Equal("provider_unavailable", end.Reason);
        Assert.Equal(("The voice service is unavailable.", true), (error.Message, error.Fatal));
        Assert.Empty(run.Down.OfType<TtsAudioFrame>());
        Assert.True(run.Down.OfType<TtsSentenceStartFrame>().Single().Progress.Complete);
    }
}
