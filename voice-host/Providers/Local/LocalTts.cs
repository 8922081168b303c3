using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// Offline text-to-speech: flite's voices (slt, kal16, rms, awb at 16 kHz; kal at 8 kHz) through libflite, or
/// espeak-ng (<c>espeak-ng:&lt;voice&gt;</c>) through its command line. Syntheses run on a few threads of their own,
/// in turn across calls (<see cref="SynthesisWorkers"/>), with no lock between them (<see cref="Flite"/>); audio
/// streams out as it is made, and a cancelled synthesis stops at its next chunk (an espeak-ng process is killed).
/// </summary>
public sealed class LocalTts : ITtsProvider, IDescribedProvider, IDisposable
{
    private readonly SynthesisWorkers _workers;
    private readonly Meter _meter = new(VoiceMetrics.MeterName);

    public LocalTts(IOptions<LocalTtsOptions> options)
    {
        var stopDelay = _meter.CreateHistogram<double>("voice.tts.local.stop_delay", "ms", "From a call stopping a local synthesis (hang-up, barge-in) to its worker being free");
        _meter.CreateObservableGauge("voice.tts.local.in_flight", () => InFlight, description: "Local syntheses waiting or running");
        var workers = options.Value.Workers > 0 ? options.Value.Workers : 2 * Environment.ProcessorCount;
        _workers = new SynthesisWorkers(workers, Synthesize, delay => stopDelay.Record(delay.TotalMilliseconds));
    }

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<LocalTts, LocalTtsOptions>
    {
        Info = new("local", "flite / espeak-ng (offline)", Offline: true, [
            new("voice", "string", "flite voice or espeak-ng:<voice>", ["slt", "kal16", "rms", "awb", "espeak-ng:en-us", "espeak-ng:en"], Closed: true),
            new("speed", "number", "0.5 to 2")]),
        Order = 40,
        Section = LocalTtsOptions.Section,
        Available = () => IsAvailable,
    };

    public string Name => Descriptor.Name;

    public static bool IsAvailable => NativeLibrary.TryLoad("libflite.so.1", out _);

    /// <summary>Syntheses waiting for a worker or running.</summary>
    public int InFlight => _workers.InFlight;

    /// <summary>Syntheses running now.</summary>
    public int Running => _workers.Running;

    /// <summary>Syntheses their call stopped before they were done, since the start.</summary>
    public long Stopped => _workers.Stopped;

    public int Workers => _workers.Count;

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var voice = string.IsNullOrEmpty(config.Voice) ? "slt" : config.Voice;
        var job = new SynthesisJob(text, voice, Math.Clamp(config.Speed ?? 1.0, 0.5, 2.0));
        _workers.Enqueue(job);
        try
        {
            using var stop = ct.Register(static j => ((SynthesisJob)j!).Stop(), job);
            while (await job.Audio.WaitToReadAsync(ct))
            {
                while (job.Audio.TryRead(out var chunk))
                {
                    ct.ThrowIfCancellationRequested();
                    yield return chunk;
                }
            }
        }
        finally
        {
            // However the call leaves (done, cancelled, or it stopped reading), the engine stops with it.
            job.Stop();
        }
    }

    private static void Synthesize(SynthesisJob job)
    {
        if (job.Voice.StartsWith(EspeakNg.Prefix, StringComparison.Ordinal)) EspeakNg.Synthesize(job);
        else Flite.Synthesize(job);
    }

    public void Dispose()
    {
        _workers.Dispose();
        _meter.Dispose();
    }
}
