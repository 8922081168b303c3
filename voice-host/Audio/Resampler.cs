namespace VoiceAgents.VoiceHost.Audio;

/// <summary>
/// A streaming, band-limited polyphase resampler for any rational ratio (8 to 48 kHz and back). The prototype
/// low-pass filter is a Kaiser-windowed sinc with its cut-off at the lower Nyquist frequency, so downsampling
/// does not alias. After its buffers have grown to the largest block seen, it allocates nothing per call.
/// </summary>
public sealed class Resampler
{
    private const int BaseTaps = 24;
    // Taps per output sample grow with the decimation factor, so the transition band stays narrow when downsampling.
    private readonly int _taps;
    private readonly int _up;
    private readonly int _down;
    private readonly float[] _coefficients; // [phase * taps + k]
    private float[] _buffer;                // history (taps - 1 samples) followed by the new block
    private long _position;                  // next output position, in upsampled units, relative to the buffer start

    public Resampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate));
        InputRate = inputRate;
        OutputRate = outputRate;
        var g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        _taps = (int)Math.Ceiling(BaseTaps * Math.Max(1.0, (double)_down / _up));
        _coefficients = Design(_up, _down, _taps);
        _buffer = new float[_taps - 1 + 4096];
        _position = (long)(_taps - 1) * _up;
    }

    public int InputRate { get; }
    public int OutputRate { get; }
    public bool IsPassThrough => _up == _down;

    /// <summary>The most samples <see cref="Process"/> can write for an input of this length.</summary>
    public int MaxOutputLength(int inputLength) => (int)((long)(inputLength + 1) * _up / _down) + 2;

    /// <summary>Resamples the next block of the stream into <paramref name="output"/>; returns how many samples it wrote.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }
        var history = _taps - 1;
        var needed = history + input.Length;
        if (_buffer.Length < needed) Array.Resize(ref _buffer, needed);
        for (var i = 0; i < input.Length; i++) _buffer[history + i] = input[i];

        var written = 0;
        var available = (long)needed * _up;
        while (_position < available && written < output.Length)
        {
            var n = (int)(_position / _up);       // newest input sample used
            var phase = (int)(_position % _up);
            var taps = _coefficients.AsSpan(phase * _taps, _taps);
            float acc = 0;
            for (var k = 0; k < _taps; k++) acc += taps[k] * _buffer[n - k];
            output[written++] = (short)Math.Clamp(MathF.Round(acc), short.MinValue, short.MaxValue);
            _position += _down;
        }
        // Keep the last (taps - 1) samples as history for the next block.
        Array.Copy(_buffer, needed - history, _buffer, 0, history);
        _position -= (long)input.Length * _up;
        return written;
    }

    private static float[] Design(int up, int down, int tapsPerPhase)
    {
        // Cut-off at the lower of the two Nyquist frequencies, a little below to leave a transition band.
        var cutoff = 0.5 / Math.Max(up, down) * 0.92;
        var length = up * tapsPerPhase;
        var center = (length - 1) / 2.0;
        const double beta = 8.0;
        var prototype = new double[length];
        for (var i = 0; i < length; i++)
        {
            var x = i - center;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var r = 2.0 * i / (length - 1) - 1.0;
            prototype[i] = sinc * BesselI0(beta * Math.Sqrt(1 - r * r)) / BesselI0(beta);
        }
        // Gain of `up` restores the level lost by zero-stuffing; then split into phases.
        var coefficients = new float[length];
        for (var phase = 0; phase < up; phase++)
        {
            for (var k = 0; k < tapsPerPhase; k++)
            {
                coefficients[phase * tapsPerPhase + k] = (float)(prototype[phase + k * up] * up);
            }
        }
        return coefficients;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, y = x * x / 4;
        for (var k = 1; k < 50; k++)
        {
            term *= y / (k * k);
            sum += term;
            if (term < 1e-12 * sum) break;
        }
        return sum;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
