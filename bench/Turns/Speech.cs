using System.Diagnostics;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Bench.Turns;

/// <summary>flite's kal16 voice at 16 kHz, trimmed to the speech, and real-time pacing in 20 ms chunks.</summary>
internal static class Speech
{
    private const int Chunk = 320;

    public static async Task<short[]> SayAsync(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"va-turns-{Guid.NewGuid():N}.wav");
        var psi = new ProcessStartInfo("flite") { RedirectStandardError = true };
        foreach (var a in new[] { "-voice", "kal16", "-t", text, "-o", path }) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!) await p.WaitForExitAsync();
        var (samples, rate) = Wav.Read(await File.ReadAllBytesAsync(path));
        File.Delete(path);
        if (rate != 16000) throw new InvalidOperationException($"flite gave {rate} Hz");
        return Trim(samples);
    }

    /// <summary>An utterance with its pauses, half a second of silence before and three seconds after; where its speech ends and its last piece starts.</summary>
    public static async Task<(short[] Audio, int SpeechEnd, int LastStart)> UtteranceAsync(Utterance u)
    {
        var audio = new List<short>(new short[8000]);
        var lastStart = 0;
        for (var i = 0; i < u.Pieces.Length; i++)
        {
            if (i > 0) audio.AddRange(new short[u.PauseMs[i - 1] * 16]);
            lastStart = audio.Count;
            audio.AddRange(await SayAsync(u.Pieces[i]));
        }
        var speechEnd = audio.Count;
        audio.AddRange(new short[16000 * 3]);
        return (audio.ToArray(), speechEnd, lastStart);
    }

    /// <summary>Hands <paramref name="audio"/> over in 20 ms chunks, each at its moment in real time.</summary>
    public static async Task PaceAsync(short[] audio, Func<ReadOnlyMemory<short>, Task> send, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i * Chunk < audio.Length; i++)
        {
            var due = TimeSpan.FromMilliseconds(20 * i) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
            await send(audio.AsMemory(i * Chunk, Math.Min(Chunk, audio.Length - i * Chunk)));
        }
    }

    /// <summary>Drops flite's silence before and after the words, so the speech's end is where the audio says it is.</summary>
    private static short[] Trim(short[] s)
    {
        const int threshold = 300;
        var first = Array.FindIndex(s, x => Math.Abs((int)x) > threshold);
        var last = Array.FindLastIndex(s, x => Math.Abs((int)x) > threshold);
        return first < 0 ? s : s[first..(last + 1)];
    }
}
