namespace VoiceAgents.VoiceHost.Audio;

/// <summary>
/// A streaming resampler of mono PCM16 for any pair of rates (8 to 48 kHz and back): libsoxr at 16-bit precision
/// (<c>SOXR_16_BITQ</c>, the precision of the PCM16 it reads and writes; linear phase, no dither), through
/// <see cref="Soxr"/>. Downsampling does not alias (an alias at or above the lower Nyquist frequency is ~96 dB down)
/// and the passband is flat to 0.8 of it.
/// <para>
/// soxr filters in blocks, so it holds samples back and writes them in bursts: a sample comes out at most ~28 ms
/// after it went in at 8↔16 kHz, ~19 ms at 48→16 kHz and 16↔48 kHz (measured with 20 ms input blocks; the output is
/// otherwise time-aligned, soxr trims its filter's own delay). <see cref="Flush"/> writes what it holds at the end of
/// a stream. After its first block it allocates nothing per call. Dispose it: it owns a native resampler.
/// </para>
/// </summary>
public sealed class Resampler : IDisposable
{
    // What soxr holds back is latency on every call that is not at 16 kHz, both ways. soxr's default passband ends at
    // 0.913 of the lower Nyquist frequency; ending it at 0.8 (3.2 kHz of a phone call's 4, still above what ASR and
    // the PSTN use) halves the filter: 58 ms held instead of 114 at 8↔16 kHz (SOXR_HQ), 19 instead of 37 at 48→16.
    // 16-bit precision with soxr's smallest DFT blocks (256) halves it again at 8↔16 kHz (28 ms; SOXR_HQ kept 58 with
    // them), and 16 bits is all PCM16 holds. Linear phase, because soxr's intermediate phase held twice as long in the
    // same measurement and minimum phase only ~10% less, while bending a sweep's phase.
    private const double PassbandEnd = 0.8;
    private const uint Log2MinDftSize = 8;

    private readonly SoxrHandle? _soxr;
    private readonly int _heldBack;
    private bool _flushed;

    public Resampler(int inputRate, int outputRate) : this(inputRate, outputRate, Soxr.SixteenBit | Soxr.LinearPhase, PassbandEnd, Log2MinDftSize)
    {
    }

    /// <summary>soxr at another recipe (<c>SOXR_HQ</c> = 4, <c>SOXR_VHQ</c> = 6) and its own passband and blocks (0), for the bench's references.</summary>
    internal Resampler(int inputRate, int outputRate, nuint recipe, double passbandEnd, uint log2MinDftSize = 0)
    {
        if (inputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate));
        if (outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(outputRate));
        InputRate = inputRate;
        OutputRate = outputRate;
        if (IsPassThrough) return;
        _soxr = Soxr.Create(inputRate, outputRate, recipe, passbandEnd, log2MinDftSize);
        // Room for a burst of what soxr held back (at most ~60 ms, measured) on top of the block's own output.
        _heldBack = outputRate / 4;
    }

    /// <summary>Whether libsoxr can be loaded (Debian's libsoxr0); without it only equal rates can be "resampled".</summary>
    public static bool IsAvailable => Soxr.IsAvailable;

    public int InputRate { get; }
    public int OutputRate { get; }
    public bool IsPassThrough => InputRate == OutputRate;

    /// <summary>The most samples <see cref="Process"/> can write for an input of this length (and <see cref="Flush"/> for 0).</summary>
    public int MaxOutputLength(int inputLength) =>
        IsPassThrough ? inputLength : (int)(((long)inputLength * OutputRate + InputRate - 1) / InputRate) + _heldBack;

    /// <summary>
    /// Resamples the next block of the stream into <paramref name="output"/> (sized by <see cref="MaxOutputLength"/>);
    /// returns how many samples it wrote, which soxr's blocks make uneven and sometimes 0. An empty block writes nothing.
    /// </summary>
    public unsafe int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }
        ObjectDisposedException.ThrowIf(_soxr!.IsClosed, this);
        if (_flushed) throw new InvalidOperationException("The stream was flushed; a new stream needs a new resampler.");
        if (input.IsEmpty) return 0;
        var written = 0;
        fixed (short* start = input)
        {
            var taken = 0;
            while (taken < input.Length)
            {
                if (written == output.Length) throw new ArgumentException("The output is too small: size it with MaxOutputLength.", nameof(output));
                var (t, w) = Soxr.Process(_soxr, start + taken, input.Length - taken, output[written..]);
                taken += t;
                written += w;
            }
        }
        return written;
    }

    /// <summary>
    /// Ends the stream: writes what soxr still holds into <paramref name="output"/> (at least
    /// <see cref="MaxOutputLength"/>(0) long) and returns how many samples; call it until it returns 0.
    /// </summary>
    public unsafe int Flush(Span<short> output)
    {
        if (IsPassThrough) return 0;
        ObjectDisposedException.ThrowIf(_soxr!.IsClosed, this);
        _flushed = true;
        return Soxr.Process(_soxr, null, 0, output).Written;
    }

    /// <summary>A whole signal at another rate: one stream, flushed, so its end is not held back.</summary>
    public static short[] Resample(ReadOnlySpan<short> samples, int inputRate, int outputRate)
    {
        if (inputRate == outputRate) return samples.ToArray();
        using var resampler = new Resampler(inputRate, outputRate);
        var output = new short[resampler.MaxOutputLength(samples.Length)];
        var written = resampler.Process(samples, output);
        int n;
        while ((n = resampler.Flush(output.AsSpan(written))) > 0) written += n;
        return output[..written];
    }

    /// <summary>Output samples taken in but not yet written: what <see cref="Flush"/> would still give.</summary>
    public double HeldBack => _soxr is null || _soxr.IsClosed ? 0 : Soxr.Delay(_soxr);

    public void Dispose() => _soxr?.Dispose();
}
