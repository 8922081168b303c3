using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Voice;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>The offline TTS with the real flite and espeak-ng: streaming, stopping, and many syntheses at once in one process.</summary>
public sealed class LocalTtsTests
{
    private static LocalTts Tts(int workers) => new(Options.Create(new LocalTtsOptions { Workers = workers }));

    private static TtsConfig Voice(string voice) => new() { Provider = "local", Voice = voice };

    [Theory]
    [InlineData("slt", 16000)]
    [InlineData("kal", 8000)]
    [InlineData("espeak-ng:en-us", 22050)]
    public async Task A_sentence_streams_as_several_chunks_of_speech_at_the_voice_rate(string voice, int rate)
    {
        using var tts = Tts(workers: 1);
        var chunks = new List<AudioChunk>();

        await foreach (var chunk in tts.SynthesizeAsync("Certainly. For what time would you like the table?", Voice(voice), "en-US", CancellationToken.None))
        {
            chunks.Add(chunk);
        }

        Assert.True(chunks.Count > 5, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.Equal(rate, c.SampleRate));
        var audio = chunks.SelectMany(c => c.Samples.ToArray()).ToArray();
        Assert.InRange(audio.Length / (double)rate, 1.5, 5.0);
        Assert.True(new AudioChunk(audio, rate).Rms() > 0.02, "silent");
        Assert.Equal(0, tts.InFlight);
        Assert.Equal(0, tts.Stopped);
    }

    [Theory]
    [InlineData("slt", 500, false)]
    [InlineData("espeak-ng:en-us", 10_000, true)]
    public async Task Cancelling_a_long_synthesis_after_its_first_audio_stops_it_and_frees_its_worker(string voice, int digits, bool spaced)
    {
        using var tts = Tts(workers: 1);
        // Minutes of speech in one synthesis (seconds of work), far more than its first chunk.
        var text = SpeechTextTests.RandomDigits(digits, seed: 1);
        if (spaced) text = string.Join(' ', text.ToCharArray());
        using var hangUp = new CancellationTokenSource();
        var heard = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in tts.SynthesizeAsync(text, Voice(voice), "en-US", hangUp.Token))
            {
                heard += chunk.Length;
                Assert.Equal(1, tts.Running);
                await hangUp.CancelAsync();
            }
        });

        await Eventually.Assert(() => Assert.Equal(0, tts.InFlight), TimeSpan.FromSeconds(5));
        Assert.Equal(1, tts.Stopped);
        Assert.InRange(heard, 1, 16000);
    }

    [Fact]
    public async Task Cancelling_a_synthesis_before_its_first_audio_stops_it_at_its_first_chunk()
    {
        using var tts = Tts(workers: 1);
        using var hangUp = new CancellationTokenSource();
        // kal16 reads 2,000 digits for most of a second before its first audio, then vocodes fast.
        // The caller hangs up from a thread of its own the moment the worker takes the synthesis: a thread sharing
        // the CPU fairly with the worker's is there long before that second of work is done, where a polling loop on
        // the thread pool came too late now and then when a whole suite kept the pool busy.
        var caller = new Thread(() =>
        {
            SpinWait.SpinUntil(() => tts.Running > 0);
            hangUp.Cancel();
        }) { IsBackground = true, Name = "hang-up" };
        caller.Start();
        var chunks = tts.SynthesizeAsync(SpeechTextTests.RandomDigits(2000, seed: 2), Voice("kal16"), "en-US", hangUp.Token).GetAsyncEnumerator(hangUp.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await chunks.MoveNextAsync());
        await chunks.DisposeAsync();

        // Its worker is free once it serves the next call. What flite does before the first audio cannot be
        // stopped, and on a loaded machine it outlasts any fixed wait: 26 s of this text's 30 at a load average of 40.
        var next = 0;
        await foreach (var chunk in tts.SynthesizeAsync("Hello.", Voice("kal16"), "en-US", CancellationToken.None)) next += chunk.Length;
        Assert.True(next > 0, "the next call heard nothing");
        Assert.Equal(0, tts.InFlight);
        Assert.Equal(1, tts.Stopped);
    }

    [Fact]
    public async Task Many_concurrent_syntheses_of_every_voice_in_one_process_all_finish_or_stop_cleanly()
    {
        using var tts = Tts(workers: 8);
        string[] voices = ["slt", "kal16", "rms", "awb", "kal", "espeak-ng:en-us"];
        string[] texts =
        [
            "Hello, thanks for calling.",
            "Your table for 4 is booked at 7:30 on Friday.",
            "Call 4 1 5, 5 5 5, 0 1 0 0 if you need us.",
            "I'm sorry, I didn't catch that. Could you say it again?",
        ];

        var results = await Task.WhenAll(Enumerable.Range(0, 96).Select(i => Task.Run(async () =>
        {
            using var stop = new CancellationTokenSource();
            var samples = 0;
            var rate = 0;
            try
            {
                await foreach (var chunk in tts.SynthesizeAsync(texts[i % texts.Length], Voice(voices[i % voices.Length]), "en-US", stop.Token))
                {
                    samples += chunk.Length;
                    rate = chunk.SampleRate;
                    // Every third synthesis is hung up on after its first audio.
                    if (i % 3 == 0) await stop.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (i % 3 == 0)
            {
                return (Stopped: true, Seconds: 0.0);
            }
            return (Stopped: false, Seconds: samples / (double)rate);
        })));

        Assert.All(results.Where(r => !r.Stopped), r => Assert.InRange(r.Seconds, 0.8, 6));
        Assert.Equal(32, results.Count(r => r.Stopped));
        await Eventually.Assert(() => Assert.Equal(0, tts.InFlight), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_call_that_has_heard_the_end_of_its_audio_finds_the_worker_already_free()
    {
        using var tts = Tts(workers: 1);

        // The end reaches the call on another thread than the worker's: a count that changed only after the end
        // was handed over was still 1 to a call reading it at once, now and then.
        for (var i = 0; i < 200; i++)
        {
            await Assert.ThrowsAsync<ProviderException>(async () =>
            {
                await foreach (var _ in tts.SynthesizeAsync("Hi.", Voice("nobody"), "en-US", CancellationToken.None))
                {
                }
            });
            Assert.Equal(0, tts.InFlight);
            Assert.Equal(0, tts.Running);
        }
    }

    [Fact]
    public async Task An_unknown_voice_fails_as_a_provider_error()
    {
        using var tts = Tts(workers: 1);

        var e = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var _ in tts.SynthesizeAsync("Hello.", Voice("nobody"), "en-US", CancellationToken.None))
            {
            }
        });

        Assert.Contains("nobody", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, tts.InFlight);
    }
}
