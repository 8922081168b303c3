using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// espeak-ng through its command line, one process per piece of text: its WAV on stdout is streamed as it comes,
/// and the process is killed the moment the call no longer wants the audio.
/// </summary>
internal static class EspeakNg
{
    public const string Prefix = "espeak-ng:";
    private const int HeaderBytes = 44;

    /// <summary>Synthesizes the job's text on this thread, handing its audio to the job as it comes.</summary>
    public static void Synthesize(SynthesisJob job)
    {
        var psi = new ProcessStartInfo("espeak-ng")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--stdout", "-v", job.Voice[Prefix.Length..], "-s", ((int)(175 * job.Speed)).ToString(CultureInfo.InvariantCulture), "--stdin" })
        {
            psi.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new ProviderException("local", "cannot start espeak-ng");
        }
        catch (Win32Exception e)
        {
            throw new ProviderException("local", "cannot start espeak-ng", e);
        }
        using (process)
        using (job.Stopping.Register(static p => Kill((Process)p!), process))
        {
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginErrorReadLine();
            try
            {
                process.StandardInput.Write(job.Text);
                process.StandardInput.Close();
                Stream(process.StandardOutput.BaseStream, job);
            }
            catch (IOException) when (job.StopRequested)
            {
                // Killed mid-write or mid-read: the call has gone.
            }
            process.WaitForExit();
            if (!job.StopRequested && process.ExitCode != 0) throw new ProviderException("local", $"espeak-ng exited with {process.ExitCode}");
        }
    }

    /// <summary>espeak-ng writes a canonical 44-byte header (its lengths unknown, so left huge), then PCM16 mono.</summary>
    private static void Stream(Stream output, SynthesisJob job)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (output.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
        {
            if (job.StopRequested) return;
            throw new ProviderException("local", "espeak-ng wrote no audio");
        }
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[36..40].SequenceEqual("data"u8)
            || BinaryPrimitives.ReadUInt16LittleEndian(header[22..]) != 1 || BinaryPrimitives.ReadUInt16LittleEndian(header[34..]) != 16)
        {
            throw new ProviderException("local", "espeak-ng wrote an unexpected WAV header");
        }
        var rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        // About 100 ms a read, as flite streams; an odd byte waits for its partner.
        var buffer = new byte[rate / 10 * 2];
        var held = 0;
        while (true)
        {
            var read = output.Read(buffer, held, buffer.Length - held);
            if (read == 0) break;
            held += read;
            var whole = held & ~1;
            if (!job.Deliver(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(buffer.AsSpan(0, whole)), rate)) return;
            if (held > whole) buffer[0] = buffer[whole];
            held -= whole;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It has already exited.
        }
    }
}
