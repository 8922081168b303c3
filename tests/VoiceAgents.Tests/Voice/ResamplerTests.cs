using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Voice;

/// <summary>The resampler is band-limited (no aliasing), keeps in-band tones, streams, and does not allocate per block.</summary>
public sealed class ResamplerTests
{
    private static short[] Tone(double hz, int rate, double seconds, double amplitude = 12000) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    private static short[] Run(Resampler r, short[] input, int block)
    {
        var output = new List<short>();
        var buffer = new short[r.MaxOutputLength(block)];
        for (var i = 0; i < input.Length; i += block)
        {
            var n = r.Process(input.AsSpan(i, Math.Min(block, input.Length - i)), buffer);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return output.ToArray();
    }

    /// <summary>Amplitude of one frequency in a signal (a single-bin DFT), skipping the filter's warm-up.</summary>
    private static double Level(short[] s, double hz, int rate)
    {
        double re = 0, im = 0;
        var start = s.Length / 10;
        for (var i = start; i < s.Length; i++)
        {
            re += s[i] * Math.Cos(2 * Math.PI * hz * i / rate);
            im += s[i] * Math.Sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.Sqrt(re * re + im * im) / (s.Length - start);
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(44100, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 24000)]
    [InlineData(16000, 8000)]
    public void An_in_band_tone_keeps_its_level_and_the_stream_has_the_right_length(int from, int to)
    {
        var input = Tone(440, from, 1.0);
        var output = Run(new Resampler(from, to), input, from / 50);
        Assert.InRange(output.Length, to - to / 50, to + 2);
        Assert.InRange(Level(output, 440, to), 12000 * 0.9, 12000 * 1.1);
    }

    [Fact]
    public void A_tone_above_the_new_nyquist_is_filtered_out_instead_of_aliasing()
    {
        // 10 kHz at 48 kHz would alias to 6 kHz at 16 kHz if it were not filtered.
        var output = Run(new Resampler(48000, 16000), Tone(10000, 48000, 1.0), 960);
        Assert.True(Level(output, 6000, 16000) < 12000 * 0.01, $"alias at 6 kHz: {Level(output, 6000, 16000):F0}");
    }

    [Fact]
    public void Block_size_does_not_change_the_output()
    {
        var input = Tone(1000, 44100, 0.5);
        var a = Run(new Resampler(44100, 16000), input, 441);
        var b = Run(new Resampler(44100, 16000), input, 97);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Processing_a_block_allocates_nothing_once_warm()
    {
        var r = new Resampler(48000, 16000);
        var input = Tone(440, 48000, 0.02);
        var output = new short[r.MaxOutputLength(input.Length)];
        r.Process(input, output);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) r.Process(input, output);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    /// <summary>The amplitude of one frequency through a Blackman–Harris window, so a strong tone elsewhere does not leak into it.</summary>
    private static double WindowedLevel(short[] s, double hz, int rate)
    {
        var skip = rate / 10;
        var n = s.Length - 2 * skip;
        double re = 0, im = 0, gain = 0;
        for (var i = 0; i < n; i++)
        {
            var x = 2 * Math.PI * i / (n - 1);
            var w = 0.35875 - 0.48829 * Math.Cos(x) + 0.14128 * Math.Cos(2 * x) - 0.01168 * Math.Cos(3 * x);
            re += w * s[i + skip] * Math.Cos(2 * Math.PI * hz * (i + skip) / rate);
            im += w * s[i + skip] * Math.Sin(2 * Math.PI * hz * (i + skip) / rate);
            gain += w;
        }
        return 2 * Math.Sqrt(re * re + im * im) / gain;
    }

    [Theory]
    [InlineData(8000, 16000, 3000, 5000)]   // an upsampler's image of 3 kHz lies at 8 − 3 kHz
    [InlineData(48000, 16000, 9000, 7000)]  // 9 kHz folds back to 16 − 9 kHz
    [InlineData(16000, 8000, 5000, 3000)]   // 5 kHz folds back to 8 − 5 kHz
    public void The_calls_ratios_leave_no_audible_alias_or_image_and_a_flat_passband(int from, int to, double tone, double unwanted)
    {
        var output = Run(new Resampler(from, to), Tone(tone, from, 1.0, amplitude: 16384), from / 50);
        var attenuation = -20 * Math.Log10(WindowedLevel(output, unwanted, to) / 16384 + 1e-12);
        Assert.True(attenuation >= 90, $"{unwanted} Hz is only {attenuation:F1} dB down");

        // Flat to 0.8 of the lower Nyquist frequency: the old filter drooped 0.5 dB there.
        var edge = 0.8 * Math.Min(from, to) / 2;
        foreach (var hz in new[] { 300.0, 1000, edge })
        {
            var gain = 20 * Math.Log10(WindowedLevel(Run(new Resampler(from, to), Tone(hz, from, 1.0, amplitude: 16384), from / 50), hz, to) / 16384);
            Assert.True(Math.Abs(gain) < 0.01, $"{hz} Hz comes out {gain:F4} dB");
        }
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(48000, 16000)]
    [InlineData(16000, 8000)]
    [InlineData(24000, 16000)]
    public void The_vector_paths_give_the_same_samples_whatever_the_blocks_and_hold_none_back(int from, int to)
    {
        var random = new Random(7);
        var input = Enumerable.Range(0, from).Select(_ => (short)random.Next(-20000, 20000)).ToArray();
        var calls = Run(new Resampler(from, to), input, from / 50);
        foreach (var block in new[] { 1, 7, 333, from / 10 })
            Assert.Equal(calls, Run(new Resampler(from, to), input, block));

        // Every 20 ms block comes out as 20 ms at once: nothing is held back for a later block.
        var r = new Resampler(from, to);
        var buffer = new short[r.MaxOutputLength(from / 50)];
        for (var i = 0; i < 10; i++) Assert.Equal(to / 50, r.Process(input.AsSpan(i * from / 50, from / 50), buffer));
    }

    [Fact]
    public void For_the_recogniser_telephone_audio_keeps_a_faint_fold_of_its_top_band_and_everything_else_is_the_same()
    {
        // 3.7 kHz at 8 kHz leaves an image at 4.3 kHz: the recogniser's upsampler lets it through (fading, from N to
        // 1.2 N), the image-free one suppresses it.
        var tone = Tone(3700, 8000, 1.0, amplitude: 16384);
        var folded = WindowedLevel(Run(Resampler.ForRecognizer(8000, 16000), tone, 160), 4300, 16000);
        var clean = WindowedLevel(Run(new Resampler(8000, 16000), tone, 160), 4300, 16000);
        Assert.InRange(20 * Math.Log10(folded / 16384), -60, -3);
        Assert.True(20 * Math.Log10(clean / 16384 + 1e-12) < -90, $"image at {20 * Math.Log10(clean / 16384):F1} dB");
        // Nothing beyond 1.2 N, and the passband is untouched.
        Assert.True(WindowedLevel(Run(Resampler.ForRecognizer(8000, 16000), Tone(3000, 8000, 1.0, amplitude: 16384), 160), 5000, 16000) < 16384 * 1e-4);
        Assert.InRange(WindowedLevel(Run(Resampler.ForRecognizer(8000, 16000), Tone(1000, 8000, 1.0, amplitude: 16384), 160), 1000, 16000), 16384 * 0.999, 16384 * 1.001);

        // Downsampling there is no fold to make: the same samples as the image-free one.
        var speech = Tone(440, 48000, 0.5).Zip(Tone(9000, 48000, 0.5), (a, b) => (short)(a / 2 + b / 2)).ToArray();
        Assert.Equal(Run(new Resampler(48000, 16000), speech, 960), Run(Resampler.ForRecognizer(48000, 16000), speech, 960));
    }
}
