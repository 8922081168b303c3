using System.Diagnostics;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Bench.Voice;

/// <summary>
/// What every simulated call says and hears, and the fixed latencies of the fake providers. The platform's own
/// overhead per turn is voice-to-voice minus the turn-end silence and these latencies.
/// </summary>
public static class Scenario
{
    public const string CallerText = "I would like to book a table for two, please.";
    public const string Heard = "i would like to book a table for two please";
    public const string Greeting = "Hello, how can I help?";

    /// <summary>The fake LLM's reply, token by token. The first token ends with ". " so the first sentence is complete on it.</summary>
    public static readonly string[] ReplyTokens =
    [
        "Certainly. ", "For", " what", " time", " would", " you", " like", " the", " table?", " We", " are", " open", " from",
        " noon", " until", " ten", " tonight.",
    ];

    /// <summary>The sentences the platform's sentence splitter makes of the reply, and the greeting: the fake TTS speaks these.</summary>
    public static readonly string[] Sentences =
        [Greeting, "Certainly.", "For what time would you like the table?", "We are open from noon until ten tonight."];

    public static readonly TimeSpan TurnEnd = TimeSpan.FromSeconds(0.8);
    public static readonly TimeSpan SttFinal = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan LlmFirstToken = TimeSpan.FromMilliseconds(150);
    public static readonly TimeSpan LlmTokenInterval = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan TtsFirstByte = TimeSpan.FromMilliseconds(80);

    /// <summary>The TTS streams 40 ms of audio every 20 ms: twice real time, as streaming vendors do.</summary>
    public static readonly TimeSpan TtsChunk = TimeSpan.FromMilliseconds(40);
    public static readonly TimeSpan TtsChunkInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>What the providers add to every turn; the rest of voice-to-voice is the platform.</summary>
    public static double FixedMs => (TurnEnd + SttFinal + LlmFirstToken + TtsFirstByte).TotalMilliseconds;

    /// <summary>Speaks text with the flite command line; returns PCM16 mono and its rate.</summary>
    public static (short[] Samples, int Rate) Speak(string text, string voice)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-voice-{Guid.NewGuid():N}.wav");
        var psi = new ProcessStartInfo("flite") { RedirectStandardError = true };
        foreach (var a in new[] { "-voice", voice, "-t", text, "-o", path }) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start flite"))
        {
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"flite failed ({p.ExitCode}): {p.StandardError.ReadToEnd()}");
        }
        try
        {
            return Wav.Read(File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static short[] Resample(short[] samples, int from, int to)
    {
        if (from == to) return samples;
        var resampler = new Resampler(from, to);
        var output = new short[resampler.MaxOutputLength(samples.Length) + to / 10];
        var n = resampler.Process(samples, output);
        // Flush the filter's delay with a little silence so the last word is not cut.
        n += resampler.Process(new short[from / 20], output.AsSpan(n));
        return output[..n];
    }

    /// <summary>The index just past the last sample of speech: the end of the last 10 ms block louder than -40 dBFS.</summary>
    public static int SpeechEnd(short[] samples, int rate)
    {
        var block = rate / 100;
        for (var end = samples.Length; end > 0; end -= block)
        {
            var start = Math.Max(0, end - block);
            double sum = 0;
            for (var i = start; i < end; i++) sum += (double)samples[i] * samples[i];
            if (Math.Sqrt(sum / (end - start)) / 32768.0 > 0.01) return end;
        }
        return 0;
    }
}
