using System.Runtime.CompilerServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Processors;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// Long sentences on the pipeline with a fake clock: how the sentence splitter cuts a run-on reply, how the TTS
/// processor speaks a long sentence piece by piece without running far ahead of playback, and that the transcript
/// and barge-in accounting still follow the sentence as the LLM wrote it.
/// </summary>
public sealed class LongSpeechTests
{
    private const int Rate = 16000;

    /// <summary>Says any piece as a tone lasting one second per <see cref="CharsPerSecond"/> characters, and notes when each piece was asked for.</summary>
    private sealed class MeasuredTts(TimeProvider time) : ITtsProvider
    {
        public const double CharsPerSecond = 14;
        public List<(DateTimeOffset At, string Text)> Pieces { get; } = [];
        public string Name => "measured";

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
        {
            lock (Pieces) Pieces.Add((time.GetUtcNow(), text));
            var samples = (int)(text.Length / CharsPerSecond * Rate);
            for (var i = 0; i < samples; i += 1600)
            {
                ct.ThrowIfCancellationRequested();
                var chunk = new short[Math.Min(1600, samples - i)];
                for (var j = 0; j < chunk.Length; j++) chunk[j] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (i + j) / Rate));
                yield return new AudioChunk(chunk, Rate);
                await Task.Yield();
            }
        }
    }

    [Fact]
    public async Task A_run_on_reply_is_cut_at_commas_while_it_streams_and_its_sentences_rejoin_into_the_reply_as_written()
    {
        var clause = "we have tables by the window, on the terrace, in the garden and in the quiet room at the back";
        var reply = string.Join(" and ", Enumerable.Repeat(clause, 8)) + ", whichever you prefer";

        // Speech need not wait for the end of the reply: sentences come out while it is still open.
        var sentences = await SplitAsync(reply, 7, async run =>
        {
            var first = await run.WaitForAsync<TextFrame>(run.Down);
            await run.WaitForAsync<TextFrame>(run.Down, t => t != first);
        });

        Assert.Equal(reply, string.Join(' ', sentences));
        Assert.All(sentences.SkipLast(1), s => Assert.EndsWith(",", s, StringComparison.Ordinal));
        Assert.All(sentences, s => Assert.True(s.Length <= SentenceProcessor.MaxSentenceWeight, s));
    }

    [Fact]
    public async Task A_long_digit_run_from_the_llm_is_never_cut_inside_so_the_transcript_keeps_it_as_written()
    {
        var digits = SpeechTextTests.RandomDigits(2000, seed: 11);

        var sentences = await SplitAsync("Your code is " + digits + " and that is all. Goodbye.", 5);

        Assert.Contains(digits, sentences);
        Assert.Equal("Your code is " + digits + " and that is all. Goodbye.", string.Join(' ', sentences));
    }

    [Fact]
    public async Task A_long_sentence_is_synthesized_a_piece_at_a_time_and_never_much_further_ahead_than_the_lookahead()
    {
        var time = new TestClock();
        var call = FrameHarness.Call(time);
        var tts = new MeasuredTts(time);
        var metrics = new VoiceMetrics();
        var run = FrameHarness.Start(call, new TtsProcessor(call, tts, Rate, metrics), new OutputTransport(call, new RecordingClient(time), Rate, metrics));
        var started = time.GetUtcNow();

        run.Send(new LlmResponseStartFrame(), new TextFrame(SpeechTextTests.RandomDigits(2000, seed: 5), 1), new LlmResponseEndFrame());
        await run.RunClockForAsync(TimeSpan.FromSeconds(30));

        List<(DateTimeOffset At, string Text)> pieces;
        lock (tts.Pieces) pieces = [.. tts.Pieces];
        var pieceSeconds = pieces.Select(p => p.Text.Length / MeasuredTts.CharsPerSecond).ToList();
        // 30 s into a sentence of several minutes: about 35 s of it synthesized, not all of it.
        Assert.InRange(pieceSeconds.Sum(), 30, 30 + TtsProcessor.Lookahead.TotalSeconds + 2 * pieceSeconds.Max());
        for (var i = 1; i < pieces.Count; i++)
        {
            // When a piece is asked for, what is already queued runs at most the lookahead past now.
            var queuedUntil = pieceSeconds.Take(i).Sum();
            var now = (pieces[i].At - started).TotalSeconds;
            Assert.True(queuedUntil - now <= TtsProcessor.Lookahead.TotalSeconds + 0.1, $"piece {i} asked for at {now:F2} s with {queuedUntil:F2} s queued");
        }
        Assert.Equal(1, metrics.TtsInFlight);

        await run.DisposeAsync();
        Assert.Equal(0, metrics.TtsInFlight);
    }

    [Fact]
    public async Task A_sentence_spoken_in_pieces_is_heard_and_transcribed_as_written()
    {
        var time = new TestClock();
        var call = FrameHarness.Call(time);
        var events = new RecordingClient(time);
        var tts = new MeasuredTts(time);
        var assistant = new AssistantContextProcessor(call);
        var run = FrameHarness.Start(call, new TtsProcessor(call, tts, Rate), new OutputTransport(call, events, Rate, new VoiceMetrics()), assistant);
        const string sentence = "Your booking number is 73920518, your table for four is ready by the window on the terrace, and we look forward to seeing you tonight at eight.";

        run.Send(new LlmResponseStartFrame(), new TextFrame(sentence, 1), new LlmResponseEndFrame());
        await run.RunClockUntilAsync(() => events.Types.Contains("bot_stopped_speaking"), TimeSpan.FromSeconds(16));
        await run.FlushAsync();
        await run.DisposeAsync();

        Assert.True(tts.Pieces.Count >= 2);
        Assert.Equal(SpeechText.GroupDigits(sentence), string.Join(' ', tts.Pieces.Select(p => p.Text)));
        Assert.StartsWith("Your booking number is 7 3 9, 2 0 5, 1 8,", tts.Pieces[0].Text, StringComparison.Ordinal);
        Assert.Equal(sentence, Assert.Single(assistant.Spoken).Text);
        Assert.Contains(events.Events, e => e.Event is TranscriptEvent { Role: "assistant", Text: sentence });
    }

    [Fact]
    public async Task A_barge_in_during_a_sentence_of_several_pieces_keeps_the_words_heard_so_far()
    {
        var time = new TestClock();
        var call = FrameHarness.Call(time, FrameHarness.SpeechInterrupts());
        var events = new RecordingClient(time);
        var assistant = new AssistantContextProcessor(call);
        var run = FrameHarness.Start(call,
            new TurnProcessor(call),
            new TtsProcessor(call, new MeasuredTts(time), Rate),
            new OutputTransport(call, events, Rate, new VoiceMetrics()),
            assistant);
        // 60 words of 6 characters: 420 characters, three pieces, 30 s of speech at 14 characters a second.
        var words = Enumerable.Range(0, 60).Select(i => $"word{i:D2}").ToArray();

        run.Send(new LlmResponseStartFrame(), new TextFrame(string.Join(' ', words), 1), new LlmResponseEndFrame());
        await run.RunClockForAsync(TimeSpan.FromSeconds(10));
        run.Send(new VadSpeechStartedFrame(time.GetUtcNow()));
        await events.WaitForAsync<InterruptionEvent>();
        await run.AdvanceAsync(TimeSpan.FromSeconds(1));
        await run.FlushAsync();
        await run.DisposeAsync();

        // A third of the sentence was played: the context keeps a third of its words, the first ones.
        var spoken = Assert.Single(assistant.Spoken);
        Assert.True(spoken.Interrupted);
        var kept = spoken.Text.TrimEnd('…').Split(' ');
        Assert.Equal(words.Take(kept.Length), kept);
        Assert.InRange(kept.Length, 17, 23);
    }

    /// <summary>Streams a reply through the sentence splitter in deltas; <paramref name="whileOpen"/> runs before the reply ends.</summary>
    private static async Task<List<string>> SplitAsync(string reply, int deltaLength, Func<FrameHarness, Task>? whileOpen = null)
    {
        var call = FrameHarness.Call(new TestClock());
        await using var run = FrameHarness.Start(call, new SentenceProcessor(call));
        run.Send([new LlmResponseStartFrame(), .. reply.Chunk(deltaLength).Select(d => new LlmTextFrame(new string(d)))]);
        if (whileOpen is not null) await whileOpen(run);
        run.Send(new LlmResponseEndFrame());
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);
        return run.Down.OfType<TextFrame>().Select(t => t.Text).ToList();
    }
}
