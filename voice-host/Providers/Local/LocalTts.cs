using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// Offline text-to-speech: flite's voices (slt, kal16, rms, awb at 16 kHz; kal at 8 kHz) through libflite, or
/// espeak-ng (<c>espeak-ng:&lt;voice&gt;</c>) through its command line. A sentence is synthesized whole, then
/// streamed in 20 ms chunks.
/// </summary>
public sealed partial class LocalTts : ITtsProvider
{
    private static readonly Lock FliteGate = new();
    private static readonly Dictionary<string, IntPtr> Voices = new();

    // flite's feat_set keeps the name pointer it is given (it expects a C literal) in the voice's feature list, and
    // every later lookup strcmp's it. A marshalled temporary dangled once the call returned and crashed the process
    // (segfault in feat_set) when its memory went away, so the name lives in unmanaged memory for good.
    private static readonly IntPtr DurationStretch = Marshal.StringToCoTaskMemUTF8("duration_stretch");
    private static bool _initialized;

    public string Name => "local";

    public static bool IsAvailable => NativeLibrary.TryLoad("libflite.so.1", out _);

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        var voice = string.IsNullOrEmpty(config.Voice) ? "slt" : config.Voice;
        var speed = Math.Clamp(config.Speed ?? 1.0, 0.5, 2.0);
        var (samples, rate) = voice.StartsWith("espeak-ng:", StringComparison.Ordinal)
            ? await EspeakAsync(text, voice["espeak-ng:".Length..], speed, ct)
            : await Task.Run(() => Flite(text, voice, speed), ct);
        var chunk = rate / 50;
        for (var i = 0; i < samples.Length; i += chunk)
        {
            ct.ThrowIfCancellationRequested();
            yield return new AudioChunk(samples.AsMemory(i, Math.Min(chunk, samples.Length - i)), rate);
        }
    }

    private static (short[], int) Flite(string text, string voiceName, double speed)
    {
        lock (FliteGate)
        {
            if (!_initialized)
            {
                Native.flite_init();
                _initialized = true;
            }
            if (!Voices.TryGetValue(voiceName, out var voice))
            {
                voice = voiceName switch
                {
                    "slt" => Native.register_cmu_us_slt(IntPtr.Zero),
                    "kal16" => Native.register_cmu_us_kal16(IntPtr.Zero),
                    "rms" => Native.register_cmu_us_rms(IntPtr.Zero),
                    "awb" => Native.register_cmu_us_awb(IntPtr.Zero),
                    "kal" => Native.register_cmu_us_kal(IntPtr.Zero),
                    _ => throw new ProviderException("local", $"unknown flite voice '{voiceName}'"),
                };
                Voices[voiceName] = voice;
            }
            // cst_voice { const char *name; cst_features *features; ... }: duration_stretch slows or speeds speech.
            var features = Marshal.ReadIntPtr(voice, IntPtr.Size);
            Native.flite_feat_set_float(features, DurationStretch, (float)(1.0 / speed));
            var wave = Native.flite_text_to_wave(text, voice);
            if (wave == IntPtr.Zero) throw new ProviderException("local", "flite produced no audio");
            try
            {
                // cst_wave { const char *type; int sample_rate; int num_samples; int num_channels; short *samples; }
                var rate = Marshal.ReadInt32(wave, IntPtr.Size);
                var count = Marshal.ReadInt32(wave, IntPtr.Size + 4);
                var data = Marshal.ReadIntPtr(wave, IntPtr.Size + 12 + (IntPtr.Size == 8 ? 4 : 0));
                var samples = new short[count];
                Marshal.Copy(data, samples, 0, count);
                return (samples, rate);
            }
            finally
            {
                Native.delete_wave(wave);
            }
        }
    }

    private static async Task<(short[], int)> EspeakAsync(string text, string voice, double speed, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("espeak-ng")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--stdout", "-v", voice, "-s", ((int)(175 * speed)).ToString(System.Globalization.CultureInfo.InvariantCulture), "--stdin" })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new ProviderException("local", "cannot start espeak-ng");
        await process.StandardInput.WriteAsync(text.AsMemory(), ct);
        process.StandardInput.Close();
        using var buffer = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(buffer, ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new ProviderException("local", $"espeak-ng exited with {process.ExitCode}");
        var (samples, rate) = Wav.Read(buffer.ToArray());
        return (samples, rate);
    }

    private static partial class Native
    {
        [LibraryImport("libflite.so.1")] public static partial int flite_init();
        [LibraryImport("libflite.so.1", StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr flite_text_to_wave(string text, IntPtr voice);
        [LibraryImport("libflite.so.1")] public static partial void delete_wave(IntPtr wave);
        [LibraryImport("libflite.so.1")] public static partial void flite_feat_set_float(IntPtr features, IntPtr name, float value);
        [LibraryImport("libflite_cmu_us_slt.so.1")] public static partial IntPtr register_cmu_us_slt(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_kal16.so.1")] public static partial IntPtr register_cmu_us_kal16(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_rms.so.1")] public static partial IntPtr register_cmu_us_rms(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_awb.so.1")] public static partial IntPtr register_cmu_us_awb(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_kal.so.1")] public static partial IntPtr register_cmu_us_kal(IntPtr voxdir);
    }
}
