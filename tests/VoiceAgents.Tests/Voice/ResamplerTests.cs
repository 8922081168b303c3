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
}
