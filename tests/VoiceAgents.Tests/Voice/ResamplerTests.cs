using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// The resampler (libsoxr, the real library) is band-limited (no aliasing), keeps in-band tones, streams 20 ms blocks
/// with a bounded hold-back that a flush gives up, does not allocate per block, and frees its native resampler.
/// </summary>
public sealed class ResamplerTests
{
    private const double Amplitude = 16384; // −6 dBFS

    private static short[] Tone(double hz, int rate, double seconds, double amplitude = Amplitude) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    /// <summary>The signal through the resampler in blocks; with <paramref name="flush"/>, what it held back too.</summary>
    private static short[] Run(Resampler r, short[] input, int block, bool flush = true)
    {
        var output = new List<short>();
        var buffer = new short[r.MaxOutputLength(block)];
        for (var i = 0; i < input.Length; i += block)
        {
            var n = r.Process(input.AsSpan(i, Math.Min(block, input.Length - i)), buffer);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        int m;
        while (flush && (m = r.Flush(buffer)) > 0) output.AddRange(buffer.AsSpan(0, m).ToArray());
        return output.ToArray();
    }

    /// <summary>The amplitude of one frequency in the middle of a signal, through a Blackman–Harris window (so 16-bit rounding noise does not hide a small alias).</summary>
    private static double Level(short[] signal, double hz, int rate)
    {
        var skip = rate / 10;
        var n = signal.Length - 2 * skip;
        double re = 0, im = 0, gain = 0;
        for (var i = 0; i < n; i++)
        {
            var x = 2 * Math.PI * i / (n - 1);
            var w = 0.35875 - 0.48829 * Math.Cos(x) + 0.14128 * Math.Cos(2 * x) - 0.01168 * Math.Cos(3 * x);
            var phase = 2 * Math.PI * hz * (i + skip) / rate;
            re += w * signal[i + skip] * Math.Cos(phase);
            im += w * signal[i + skip] * Math.Sin(phase);
            gain += w;
        }
        return 2 * Math.Sqrt(re * re + im * im) / gain;
    }

    [Theory]
    [InlineData(48000, 16000)]
    [InlineData(44100, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 24000)]
    [InlineData(16000, 8000)]
    public void An_in_band_tone_keeps_its_frequency_and_level(int from, int to)
    {
        using var r = new Resampler(from, to);
        var output = Run(r, Tone(440, from, 1.0), from / 50);
        Assert.InRange(Level(output, 440, to), Amplitude * 0.99, Amplitude * 1.01);
        // Its energy stays at 440 Hz: nothing worth hearing at a neighbouring frequency.
        Assert.True(Level(output, 400, to) < Amplitude * 1e-3, $"at 400 Hz: {Level(output, 400, to):F1}");
    }

    [Theory]
    [InlineData(48000, 16000, 70)]
    [InlineData(44100, 16000, 70)]
    [InlineData(8000, 16000, 70)]
    [InlineData(16000, 24000, 70)]
    [InlineData(16000, 8000, 70)]
    public void A_stream_of_20_ms_blocks_comes_out_at_the_new_rate_within_the_hold_back_and_a_flush_gives_the_rest(int from, int to, int heldMs)
    {
        using var r = new Resampler(from, to);
        var block = from / 50;
        var buffer = new short[r.MaxOutputLength(block)];
        var input = Tone(440, from, 1.0);
        long written = 0, worstBehind = 0;
        for (var i = 0; i < input.Length; i += block)
        {
            written += r.Process(input.AsSpan(i, block), buffer);
            var due = (long)(i + block) * to / from;
            Assert.True(written <= due + 1, $"wrote {written} of {due} due");
            worstBehind = Math.Max(worstBehind, due - written);
        }
        Assert.InRange(worstBehind * 1000.0 / to, 0, heldMs);
        int n;
        while ((n = r.Flush(buffer)) > 0) written += n;
        Assert.InRange(written, to - 1, to + 1);
        Assert.Equal(0, r.HeldBack);
    }

    [Theory]
    [InlineData(48000, 16000, 10000)]
    [InlineData(48000, 16000, 8100)]
    [InlineData(16000, 8000, 5000)]
    [InlineData(16000, 8000, 4100)]
    public void A_tone_above_the_new_nyquist_is_suppressed_by_80_dB_instead_of_aliasing(int from, int to, double hz)
    {
        // 10 kHz at 48 kHz would alias to 6 kHz at 16 kHz, 5 kHz at 16 kHz to 3 kHz at 8 kHz; 8.1 and 4.1 kHz sit just past the Nyquist frequency.
        using var r = new Resampler(from, to);
        var output = Run(r, Tone(hz, from, 1.0), from / 50);
        var alias = Math.Abs(hz - Math.Round(hz / to) * to);
        var db = 20 * Math.Log10(Level(output, alias, to) / Amplitude + 1e-12);
        Assert.True(db <= -80, $"alias at {alias} Hz: {db:F1} dB");
    }

    [Fact]
    public void Block_size_does_not_change_the_output()
    {
        var input = Tone(1000, 44100, 0.5);
        using var a = new Resampler(44100, 16000);
        using var b = new Resampler(44100, 16000);
        Assert.Equal(Run(a, input, 441), Run(b, input, 97));
    }

    [Fact]
    public void A_whole_signal_resampled_at_once_is_the_stream_flushed()
    {
        var input = Tone(700, 8000, 0.5);
        using var r = new Resampler(8000, 16000);
        Assert.Equal(Run(r, input, 160), Resampler.Resample(input, 8000, 16000));
    }

    [Fact]
    public void Processing_a_block_allocates_nothing_once_warm()
    {
        using var r = new Resampler(48000, 16000);
        var input = Tone(440, 48000, 0.02);
        var output = new short[r.MaxOutputLength(input.Length)];
        r.Process(input, output);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) r.Process(input, output);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Equal_rates_pass_the_audio_through_unchanged()
    {
        var input = Tone(440, 16000, 0.02);
        using var r = new Resampler(16000, 16000);
        var output = new short[r.MaxOutputLength(input.Length)];
        Assert.True(r.IsPassThrough);
        Assert.Equal(input, output[..r.Process(input, output)]);
        Assert.Equal(0, r.Flush(output));
    }

    [Fact]
    public void A_disposed_resampler_has_freed_its_native_resampler_and_refuses_more_audio()
    {
        var r = new Resampler(8000, 16000);
        var output = new short[r.MaxOutputLength(160)];
        r.Process(new short[160], output);
        r.Dispose();
        r.Dispose();
        Assert.Equal(0, r.HeldBack);
        Assert.Throws<ObjectDisposedException>(() => r.Process(new short[160], output));
        Assert.Throws<ObjectDisposedException>(() => r.Flush(output));
    }
}
