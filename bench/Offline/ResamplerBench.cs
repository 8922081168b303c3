using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Bench.Api;
using VoiceAgents.VoiceHost.Audio;
using static VoiceAgents.Bench.Api.BenchHost;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// voice-host's <see cref="Resampler"/> against libsoxr (sox's resampler, at its high and very high quality), both
/// streaming mono PCM16 in 20 ms blocks as a call does, both rounding to PCM16 without dither. Throughput: seconds
/// of audio resampled per CPU second of the thread, best of five passes over noise. Quality, from tones at −6 dBFS
/// measured at their own frequency through a Blackman–Harris window (so 16-bit rounding noise spread over the band
/// does not hide a small alias), with N the lower of the two Nyquist frequencies: passband ripple over 100 Hz–0.8 N;
/// stopband attenuation, the worst over the tones whose unwanted product (the alias a downsampler folds back, the
/// image an upsampler leaves) lies at or above N, and at or above 1.2 N; and the SNR of a logarithmic sine sweep
/// over 50 Hz–0.8 N against the exact sweep at the output rate, delayed by the resampler's own delay (fitted).
/// </summary>
public static class ResamplerBench
{
    private const double Amplitude = 16384; // −6 dBFS
    private static readonly (int From, int To)[] Ratios = [(8000, 16000), (48000, 16000), (16000, 8000)];
    private static readonly (string Name, int Recipe)[] Candidates = [("voice-host Resampler", 0), ("soxr HQ (sox rate -h)", Soxr.High), ("soxr VHQ (sox rate -v)", Soxr.VeryHigh)];

    public static async Task RunAsync(BenchSettings settings, int seconds, CancellationToken ct)
    {
        if (!Soxr.IsAvailable) throw new InvalidOperationException("libsoxr.so.0 is needed: ./test.sh or ./run.sh installs it (infra/local/prereqs.sh), or apt-get install libsoxr0");
        var rows = new JsonArray();
        var md = new List<string>();
        foreach (var (from, to) in Ratios)
        {
            var results = new List<JsonObject>();
            foreach (var (name, recipe) in Candidates)
            {
                ct.ThrowIfCancellationRequested();
                var row = new JsonObject
                {
                    ["ratio"] = $"{from / 1000}→{to / 1000} kHz",
                    ["resampler"] = name,
                    ["realtime_x"] = Math.Round(Throughput(recipe, from, to, seconds), 0),
                    ["passband_ripple_db"] = Math.Round(Ripple(recipe, from, to), 3),
                    ["stopband_attenuation_db"] = Math.Round(Stopband(recipe, from, to, 1.0), 1),
                    ["stopband_attenuation_from_1_2n_db"] = Math.Round(Stopband(recipe, from, to, 1.2), 1),
                    ["sweep_snr_db"] = Math.Round(SweepSnr(recipe, from, to), 1),
                };
                Say(row.ToJsonString());
                results.Add(row);
                rows.Add(row);
            }
            var ours = results[0];
            var hq = results[1];
            foreach (var r in results)
                md.Add($"| {r["ratio"]} | {r["resampler"]} | {r["realtime_x"]} | {r["passband_ripple_db"]} | {r["stopband_attenuation_db"]} | {r["stopband_attenuation_from_1_2n_db"]} | {r["sweep_snr_db"]} |");
            var speed = ours["realtime_x"]!.GetValue<double>() / hq["realtime_x"]!.GetValue<double>();
            md.Add($"| | **ours / soxr HQ** | **{speed.ToString("0.00", CultureInfo.InvariantCulture)}×** | | | | |");
        }
        var report = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["load_average_at_end"] = Stats.LoadAverage(),
            ["seconds_per_pass"] = seconds,
            ["rows"] = rows,
        };
        Directory.CreateDirectory(settings.ResultsDir);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "resampler.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "resampler.md"), $"""
            # voice-host's resampler vs soxr

            Run {report["date"]} on {Environment.ProcessorCount} cores, load average at the end {report["load_average_at_end"]}.
            `dotnet run -c Release --project bench/Offline -- resampler`: mono PCM16 in 20 ms blocks, rounded to PCM16 without
            dither. Throughput in seconds of audio per CPU second of the resampling thread (best of five passes over {seconds} s of noise).
            N is the lower Nyquist frequency. Ripple: max − min gain of tones over 100 Hz–0.8 N. Stopband: the weakest
            suppression of an alias (downsampling) or image (upsampling) lying at ≥ N, and at ≥ 1.2 N. SNR: a log sweep
            50 Hz–0.8 N at −6 dBFS against the exact sweep, delay fitted. The goal: soxr's quality at half its speed or better.

            | ratio | resampler | × real time | passband ripple dB | stopband dB (≥ N) | stopband dB (≥ 1.2 N) | sweep SNR dB |
            |---|---|---:|---:|---:|---:|---:|
            {string.Join("\n", md)}

            """, ct);
        Say($"wrote {Path.Combine(settings.ResultsDir, "resampler.json")} and .md");
    }

    /// <summary>The whole signal through a fresh resampler in 20 ms blocks (soxr flushed at the end).</summary>
    private static short[] Run(int recipe, int from, int to, short[] input)
    {
        var block = from / 50;
        var output = new short[(long)input.Length * to / from + 4096];
        var written = 0;
        if (recipe == 0)
        {
            var r = new Resampler(from, to);
            for (var i = 0; i < input.Length; i += block)
                written += r.Process(input.AsSpan(i, Math.Min(block, input.Length - i)), output.AsSpan(written));
        }
        else
        {
            using var r = new Soxr(from, to, recipe);
            for (var i = 0; i < input.Length; i += block)
                written += r.Process(input.AsSpan(i, Math.Min(block, input.Length - i)), output.AsSpan(written));
            int n;
            while ((n = r.Process([], output.AsSpan(written))) > 0) written += n;
        }
        return output[..written];
    }

    private static double Throughput(int recipe, int from, int to, int seconds)
    {
        var random = new Random(16);
        var noise = new short[from * seconds];
        for (var i = 0; i < noise.Length; i++) noise[i] = (short)random.Next(-8000, 8000);
        Run(recipe, from, to, noise[..Math.Min(noise.Length, from * 2)]); // warm-up
        var best = double.MaxValue;
        for (var pass = 0; pass < 5; pass++)
        {
            var started = ThreadCpu.Now();
            Run(recipe, from, to, noise);
            best = Math.Min(best, (ThreadCpu.Now() - started).TotalSeconds);
        }
        return seconds / best;
    }

    private static short[] Tone(int rate, double frequency, double seconds)
    {
        var samples = new short[(int)(rate * seconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)Math.Round(Amplitude * Math.Sin(2 * Math.PI * frequency * i / rate));
        return samples;
    }

    /// <summary>The amplitude of <paramref name="frequency"/> in the middle of the signal, through a Blackman–Harris window.</summary>
    private static double AmplitudeAt(short[] signal, int rate, double frequency)
    {
        var skip = rate / 10;
        var n = signal.Length - 2 * skip;
        double re = 0, im = 0, gain = 0;
        for (var i = 0; i < n; i++)
        {
            var x = 2 * Math.PI * i / (n - 1);
            var w = 0.35875 - 0.48829 * Math.Cos(x) + 0.14128 * Math.Cos(2 * x) - 0.01168 * Math.Cos(3 * x);
            var phase = 2 * Math.PI * frequency * (i + skip) / rate;
            re += w * signal[i + skip] * Math.Cos(phase);
            im += w * signal[i + skip] * Math.Sin(phase);
            gain += w;
        }
        return 2 * Math.Sqrt(re * re + im * im) / gain;
    }

    private static double Ripple(int recipe, int from, int to)
    {
        var nyquist = Math.Min(from, to) / 2.0;
        var gains = new List<double>();
        for (var f = 100.0; f <= 0.8 * nyquist; f += 100)
            gains.Add(20 * Math.Log10(AmplitudeAt(Run(recipe, from, to, Tone(from, f, 1)), to, f) / Amplitude));
        return gains.Max() - gains.Min();
    }

    private static double Stopband(int recipe, int from, int to, double startAt)
    {
        var nyquist = Math.Min(from, to) / 2.0;
        var worst = double.MaxValue;
        if (to < from)
        {
            // A tone above the output's Nyquist folds back to |f − k·to|.
            for (var f = startAt * nyquist; f < from / 2.0 - 100; f += 100)
            {
                var alias = Math.Abs(f - Math.Round(f / to) * to);
                worst = Math.Min(worst, -20 * Math.Log10(AmplitudeAt(Run(recipe, from, to, Tone(from, f, 1)), to, alias) / Amplitude + 1e-12));
            }
        }
        else
        {
            // A tone f leaves an image at from − f, which must not be heard at the higher rate.
            for (var f = 100.0; from - f >= startAt * nyquist; f += 100)
                worst = Math.Min(worst, -20 * Math.Log10(AmplitudeAt(Run(recipe, from, to, Tone(from, f, 1)), to, from - f) / Amplitude + 1e-12));
        }
        return worst;
    }

    private static double SweepSnr(int recipe, int from, int to)
    {
        const double seconds = 2, f1 = 50;
        var f2 = 0.8 * Math.Min(from, to) / 2.0;
        // Up to f2 at the end of the measured part, then held there (phase continuous) for the last 0.1 s.
        const double top = seconds - 0.1;
        var k = Math.Log(f2 / f1) / top;
        double Phase(double t) => t <= top ? 2 * Math.PI * f1 / k * (Math.Exp(k * t) - 1) : 2 * Math.PI * (f1 / k * (Math.Exp(k * top) - 1) + f2 * (t - top));
        var input = new short[(int)(from * seconds)];
        for (var i = 0; i < input.Length; i++) input[i] = (short)Math.Round(Amplitude * Math.Sin(Phase((double)i / from)));
        var output = Run(recipe, from, to, input);
        var start = to / 10;
        var end = Math.Min(output.Length, (int)(to * (seconds - 0.1)));
        double Error(double delay)
        {
            double e = 0;
            for (var i = start; i < end; i++)
            {
                var d = output[i] - Amplitude * Math.Sin(Phase((i - delay) / to));
                e += d * d;
            }
            return e;
        }
        // The delay in output samples: the best whole sample, then refined by golden-section search to 1e-7 of a
        // sample (a thousandth would leave an error of ~16 LSB at 0.8 N, which reads as an SNR of 74 dB).
        var best = Enumerable.Range(-50, 450).MinBy(d => Error(d));
        double lo = best - 1, hi = best + 1;
        const double golden = 0.6180339887;
        while (hi - lo > 1e-7)
        {
            double a = hi - golden * (hi - lo), b = lo + golden * (hi - lo);
            if (Error(a) < Error(b)) hi = b;
            else lo = a;
        }
        var delay = (lo + hi) / 2;
        double signal = 0;
        for (var i = start; i < end; i++) signal += Math.Pow(Amplitude * Math.Sin(Phase((i - delay) / to)), 2);
        return 10 * Math.Log10(signal / Error(delay));
    }
}
