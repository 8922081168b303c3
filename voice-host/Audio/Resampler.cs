using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VoiceAgents.VoiceHost.Audio;

/// <summary>
/// A streaming, band-limited polyphase resampler for any rational ratio (8 to 48 kHz and back). The prototype
/// low-pass filter is a Kaiser-windowed sinc designed for soxr's quality: flat to 0.8 of the lower Nyquist
/// frequency N, and at least 105 dB down from N on, so downsampling does not alias and upsampling leaves no image.
/// The calls' usual ratios are whole numbers (8→16, 48→16, 16→8 kHz), and for those each phase (upsampling) or each
/// interleaved input stream (downsampling) is a plain FIR, computed 8 outputs to a 256-bit vector; other ratios take
/// one dot product per output. It delays the signal by half the filter (2–4 ms) and holds nothing else back: every
/// block's output is written as the block comes in. After its buffers have grown to the largest block seen, it
/// allocates nothing per call. bench/Offline's resampler bench sets it against libsoxr.
/// </summary>
public sealed class Resampler
{
    private const double PassbandEdge = 0.8;    // of N: where the passband (flat within ~0.0001 dB) ends
    private const double StopbandEdge = 1.0;    // of N: where the stopband begins
    private const double FoldedStopbandEdge = 1.2; // of N: where it begins for the recogniser (ForRecognizer)
    private const double AttenuationDb = 105;   // the design's stopband; the taps are rounded up from it
    private readonly int _taps;                 // per phase
    private readonly int _up;
    private readonly int _down;
    private readonly float[] _coefficients;     // [phase * taps + j], each phase reversed so a phase is a dot product
    private float[] _buffer;                    // history (taps - 1 samples) followed by the new block
    private readonly int _step;                 // whole input samples between outputs (down / up)
    private readonly int _stepPhase;            // and the phases left over (down % up)
    private int _next;                          // the newest input sample the next output uses, an index into _buffer
    private int _phase;                         // and the phase it uses
    private readonly float[]? _subFilters;      // downsampling by a whole number D: [q * ceil(taps / D) + k] = tap q + k·D
    private float[] _scratch = [];              // the vector paths' outputs before rounding, and their streams

    public Resampler(int inputRate, int outputRate) : this(inputRate, outputRate, StopbandEdge)
    {
    }

    private Resampler(int inputRate, int outputRate, double stopbandEdge)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate));
        InputRate = inputRate;
        OutputRate = outputRate;
        var g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        (_coefficients, _taps) = Design(_up, _down, stopbandEdge);
        _buffer = new float[_taps - 1 + 4096];
        _step = _down / _up;
        _stepPhase = _down % _up;
        _next = _taps - 1;
        if (_up == 1 && _down > 1)
        {
            var subTaps = (_taps + _down - 1) / _down;
            _subFilters = new float[_down * subTaps];
            for (var q = 0; q < _down; q++)
                for (var k = 0; k * _down + q < _taps; k++) _subFilters[q * subTaps + k] = _coefficients[k * _down + q];
        }
    }

    /// <summary>
    /// A resampler for audio on its way to a speech recogniser. Downsampling, it is the same as any. Upsampling
    /// (telephone audio to 16 kHz), its stopband begins at 1.2 N instead of N, so the top of the input's band
    /// (0.8–1 N) is mirrored, fading, into 1–1.2 N: a partial spectral fold, the oldest trick of bandwidth
    /// extension. PocketSphinx's 16 kHz model hears narrowband speech better with it: on bench/Offline's WER set
    /// sent as 8 kHz μ-law, the raw engine reads 24.8 % on this audio against 31.4 % on the image-free filter's and
    /// 26.8 % on sox's, and the pipeline 19.6 % (55 sentences in a one-off run: 26.4, 32.8 and 30.4 %). The
    /// recording is made from this audio too; the fold is faint and 4–4.8 kHz only.
    /// </summary>
    public static Resampler ForRecognizer(int inputRate, int outputRate) =>
        new(inputRate, outputRate, outputRate > inputRate ? FoldedStopbandEdge : StopbandEdge);

    public int InputRate { get; }
    public int OutputRate { get; }
    public bool IsPassThrough => _up == _down;

    /// <summary>The most samples <see cref="Process"/> can write for an input of this length.</summary>
    public int MaxOutputLength(int inputLength) => (int)((long)(inputLength + 1) * _up / _down) + 2;

    /// <summary>Resamples the next block of the stream into <paramref name="output"/>; returns how many samples it wrote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot for the whole call: optimised from its first block
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }
        var history = _taps - 1;
        var needed = history + input.Length;
        // The vector path reads up to a block past the input (outputs it then drops), so the buffer keeps that slack.
        if (_buffer.Length < needed + Block) Array.Resize(ref _buffer, needed + Block);
        for (var i = 0; i < input.Length; i++) _buffer[history + i] = input[i];

        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref var samples = ref MemoryMarshal.GetArrayDataReference(_buffer);
        var written = 0;
        if (Vector256.IsHardwareAccelerated && _phase == 0)
        {
            if (_down == 1) written = Interpolate(needed, output);
            else if (_up == 1) written = Decimate(needed, output);
        }
        while (_next < needed && written < output.Length)
        {
            var acc = Dot(ref Unsafe.Add(ref coefficients, _phase * _taps), ref Unsafe.Add(ref samples, _next - history), _taps);
            output[written++] = ToSample(acc);
            _next += _step;
            _phase += _stepPhase;
            if (_phase >= _up)
            {
                _phase -= _up;
                _next++;
            }
        }
        // Keep the last (taps - 1) samples as history for the next block.
        Array.Copy(_buffer, needed - history, _buffer, 0, history);
        _next -= input.Length;
        return written;
    }

    /// <summary>
    /// Upsampling by a whole number U: each input sample gives U outputs, one per phase. Each phase is a plain FIR
    /// over the input, so it is computed 8 outputs to a vector (<see cref="Fir"/>), then the phases are interleaved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot for the whole call: optimised from its first block
    private int Interpolate(int needed, Span<short> output)
    {
        var count = needed - _next;
        if (count <= 0 || (long)count * _up > output.Length) return 0;
        var stride = RoundUp(count);
        if (_scratch.Length < stride * _up * 2) _scratch = new float[stride * _up * 2];
        ref var samples = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _next - (_taps - 1));
        ref var y = ref MemoryMarshal.GetArrayDataReference(_scratch);
        for (var phase = 0; phase < _up; phase++)
            Fir(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_coefficients), phase * _taps), _taps, ref samples, ref Unsafe.Add(ref y, phase * stride), stride, accumulate: false);
        // Interleaved (output order) after the phases, then rounded to PCM16 16 at a time.
        ref var interleaved = ref Unsafe.Add(ref y, stride * _up);
        var written = count * _up;
        for (var phase = 0; phase < _up; phase++)
            for (var n = 0; n < count; n++)
                Unsafe.Add(ref interleaved, n * _up + phase) = Unsafe.Add(ref y, phase * stride + n);
        ToSamples(ref interleaved, output[..written]);
        _next = needed;
        return written;
    }

    /// <summary>
    /// Downsampling by a whole number D: output m is a dot product with the window starting D·m samples on. Split
    /// into D interleaved input streams and D sub-filters (taps q, q + D, q + 2D, …), it is D plain FIRs summed,
    /// each 8 outputs to a vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot for the whole call: optimised from its first block
    private int Decimate(int needed, Span<short> output)
    {
        var count = (needed - _next + _down - 1) / _down;
        if (count <= 0 || count > output.Length) return 0;
        var subTaps = (_taps + _down - 1) / _down;
        var stride = RoundUp(count);
        var streamLength = stride + subTaps - 1;
        if (_scratch.Length < stride + streamLength) _scratch = new float[stride + streamLength];
        var start = _next - (_taps - 1);
        ref var y = ref MemoryMarshal.GetArrayDataReference(_scratch);
        ref var stream = ref Unsafe.Add(ref y, stride);
        for (var q = 0; q < _down; q++)
        {
            var length = (_taps - q + _down - 1) / _down;
            // Stream q holds the samples sub-filter q meets; past the input (whose outputs are dropped) it reads 0.
            var last = Math.Min(streamLength, (needed - 1 - start - q) / _down + 1);
            for (var i = 0; i < last; i++) Unsafe.Add(ref stream, i) = _buffer[start + i * _down + q];
            for (var i = last; i < streamLength; i++) Unsafe.Add(ref stream, i) = 0;
            Fir(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_subFilters!), q * subTaps), length, ref stream, ref y, stride, accumulate: q > 0);
        }
        ToSamples(ref y, output[..count]);
        _next += count * _down;
        return count;
    }

    /// <summary>The vector paths compute outputs in whole blocks of <see cref="Block"/>.</summary>
    private static int RoundUp(int count) => (count + Block - 1) / Block * Block;

    private const int Block = 32;

    /// <summary>
    /// y[m] (+)= Σ_k h[k]·s[m + k] for m below <paramref name="count"/>, a multiple of <see cref="Block"/>: 8
    /// outputs to a vector and four vectors at once, so the multiply-adds of one tap overlap instead of waiting on
    /// each other (eight at once, or 512-bit vectors on this machine's AVX-512, were no faster).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot for the whole call: optimised from its first block
    private static void Fir(ref float h, int taps, ref float s, ref float y, int count, bool accumulate)
    {
        for (var m = 0; m < count; m += Block)
        {
            ref var sm = ref Unsafe.Add(ref s, m);
            ref var ym = ref Unsafe.Add(ref y, m);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            if (accumulate)
            {
                a0 = Vector256.LoadUnsafe(ref ym, 0);
                a1 = Vector256.LoadUnsafe(ref ym, 8);
                a2 = Vector256.LoadUnsafe(ref ym, 16);
                a3 = Vector256.LoadUnsafe(ref ym, 24);
            }
            for (var k = 0; k < taps; k++)
            {
                var c = Vector256.Create(Unsafe.Add(ref h, k));
                ref var sk = ref Unsafe.Add(ref sm, k);
                a0 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref sk, 0), a0);
                a1 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref sk, 8), a1);
                a2 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref sk, 16), a2);
                a3 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref sk, 24), a3);
            }
            a0.StoreUnsafe(ref ym, 0);
            a1.StoreUnsafe(ref ym, 8);
            a2.StoreUnsafe(ref ym, 16);
            a3.StoreUnsafe(ref ym, 24);
        }
    }

    /// <summary>Rounds <paramref name="output"/>'s length of floats to PCM16, saturating, 16 at a time.</summary>
    private static void ToSamples(ref float values, Span<short> output)
    {
        var i = 0;
        ref var o = ref MemoryMarshal.GetReference(output);
        var low = Vector256.Create((float)short.MinValue);
        var high = Vector256.Create((float)short.MaxValue);
        for (; i + 16 <= output.Length; i += 16)
        {
            var a = Vector256.ConvertToInt32(Vector256.Round(Vector256.Clamp(Vector256.LoadUnsafe(ref values, (nuint)i), low, high)));
            var b = Vector256.ConvertToInt32(Vector256.Round(Vector256.Clamp(Vector256.LoadUnsafe(ref values, (nuint)(i + 8)), low, high)));
            Vector256.Narrow(a, b).StoreUnsafe(ref o, (nuint)i);
        }
        for (; i < output.Length; i++) Unsafe.Add(ref o, i) = ToSample(Unsafe.Add(ref values, i));
    }

    private static short ToSample(float value) => (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);

    /// <summary>
    /// Σ a[i]·b[i] over <paramref name="length"/> floats, for ratios that are no whole number (44.1 to 16 kHz, 16 to
    /// 24 kHz) and machines without 256-bit vectors. Hand-written rather than System.Numerics.Tensors'
    /// TensorPrimitives.Dot: at 70–200 taps that call's checks and tail handling cost as much as the arithmetic (the
    /// resampler bench read 0.38× soxr with it at 8→16 kHz, 0.5× with this, before the vector paths above).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot for the whole call: optimised from its first block
    private static float Dot(ref float a, ref float b, int length)
    {
        var i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = default, s1 = default;
            for (; i + 16 <= length; i += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)(i + 8)), Vector256.LoadUnsafe(ref b, (nuint)(i + 8)), s1);
            }
            sum = Vector256.Sum(s0 + s1);
        }
        for (; i < length; i++) sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }

    private static (float[] Coefficients, int TapsPerPhase) Design(int up, int down, double stopbandEdge)
    {
        // Frequencies as a fraction of the prototype's rate (the input's rate times up); N is the lower Nyquist.
        var nyquist = 0.5 / Math.Max(up, down);
        var transition = 2 * Math.PI * (stopbandEdge - PassbandEdge) * nyquist;
        var cutoff = (stopbandEdge + PassbandEdge) / 2 * nyquist;
        // Kaiser's estimate of the length for the attenuation, rounded up to whole phases; the window's beta is then
        // set for the attenuation that length actually reaches.
        var estimate = (AttenuationDb - 7.95) / (2.285 * transition) + 1;
        var taps = (int)Math.Ceiling(estimate / up);
        var length = up * taps;
        var attenuation = 2.285 * transition * (length - 1) + 7.95;
        var beta = 0.1102 * (attenuation - 8.7);
        var center = (length - 1) / 2.0;
        var prototype = new double[length];
        for (var i = 0; i < length; i++)
        {
            var x = i - center;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var r = 2.0 * i / (length - 1) - 1.0;
            prototype[i] = sinc * BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - r * r))) / BesselI0(beta);
        }
        // Gain of `up` restores the level lost by zero-stuffing; then split into phases, each reversed so that
        // output = Σ_j phase[j] · x[n - taps + 1 + j], a dot product with the newest `taps` input samples.
        var coefficients = new float[length];
        for (var phase = 0; phase < up; phase++)
        {
            for (var k = 0; k < taps; k++)
            {
                coefficients[phase * taps + (taps - 1 - k)] = (float)(prototype[phase + k * up] * up);
            }
        }
        return (coefficients, taps);
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, y = x * x / 4;
        for (var k = 1; k < 200; k++)
        {
            term *= y / (k * k);
            sum += term;
            if (term < 1e-15 * sum) break;
        }
        return sum;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
