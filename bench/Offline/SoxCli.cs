using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// The sox command line (Debian's <c>sox</c>, installed by infra/local/prereqs.sh), as the reference the pipeline is
/// compared with: raw mono PCM16 (or μ-law) in on stdin, raw PCM16 out on stdout, <c>rate -v</c> (very high quality), no dither.
/// </summary>
public static class SoxCli
{
    public static bool IsInstalled => File.Exists("/usr/bin/sox") || (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "sox")));

    public static Task<short[]> ResampleAsync(short[] samples, int fromRate, int toRate, CancellationToken ct) =>
        RunAsync(MemoryMarshal.AsBytes(samples.AsSpan()).ToArray(), ["-t", "raw", "-r", Rate(fromRate), "-e", "signed", "-b", "16", "-c", "1"], toRate, ct);

    /// <summary>μ-law bytes at <paramref name="fromRate"/>, decoded by sox and resampled.</summary>
    public static Task<short[]> DecodeMuLawAsync(byte[] mulaw, int fromRate, int toRate, CancellationToken ct) =>
        RunAsync(mulaw, ["-t", "raw", "-r", Rate(fromRate), "-e", "mu-law", "-b", "8", "-c", "1"], toRate, ct);

    private static async Task<short[]> RunAsync(byte[] input, string[] inputFormat, int toRate, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("sox") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        // No dither: sox's default dither is seeded afresh on every run, so the same sentences came out a little
        // different each time, and the raw engine's WER on them moved (22.9 to 28.1 % at 8 kHz).
        psi.ArgumentList.Add("-D");
        foreach (var a in inputFormat) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("-");
        foreach (var a in new[] { "-t", "raw", "-r", Rate(toRate), "-e", "signed", "-b", "16", "-c", "1", "-", "rate", "-v", Rate(toRate) }) psi.ArgumentList.Add(a);
        using var sox = Process.Start(psi) ?? throw new InvalidOperationException("sox did not start");
        var output = new MemoryStream();
        var reading = sox.StandardOutput.BaseStream.CopyToAsync(output, ct);
        var errors = sox.StandardError.ReadToEndAsync(ct);
        await sox.StandardInput.BaseStream.WriteAsync(input, ct);
        sox.StandardInput.Close();
        await reading;
        await sox.WaitForExitAsync(ct);
        if (sox.ExitCode != 0) throw new InvalidOperationException($"sox exited with {sox.ExitCode}: {await errors}");
        return MemoryMarshal.Cast<byte, short>(output.ToArray()).ToArray();
    }

    private static string Rate(int rate) => rate.ToString(CultureInfo.InvariantCulture);
}
