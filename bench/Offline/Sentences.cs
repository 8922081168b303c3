using System.Diagnostics;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// The caller's sentences: 20 short requests a caller might make, spoken by flite's kal16 voice (16 kHz; not the
/// agent's slt voice), with the silence flite puts before and after them cut off, so the last sample is the end of
/// the speech.
/// </summary>
public static class Sentences
{
    public static readonly string[] Texts =
    [
        "I would like to book a table for two.",
        "Can you tell me your opening hours?",
        "I need to change my reservation for tomorrow.",
        "Is there parking near the restaurant?",
        "Please cancel my booking for Friday night.",
        "Do you have any tables free this evening?",
        "What time does the kitchen close?",
        "We are four people and one child.",
        "Could you send me the menu by email?",
        "I want to order a large pizza for delivery.",
        "My flight was delayed so we will be late.",
        "How much does the lunch menu cost?",
        "Please call me back later this afternoon.",
        "Is the garden open when it rains?",
        "I would like to speak to the manager.",
        "Can I bring my dog to the table?",
        "We would like a quiet table by the window.",
        "Thank you very much for your help.",
        "What is the address of the new place?",
        "I will pay by card when we arrive.",
    ];

    private const short Quiet = 64;

    /// <summary>Each sentence as 16 kHz PCM16, trimmed to its speech.</summary>
    public static Task<short[][]> SpeakAllAsync(CancellationToken ct) => SpeakAllAsync(Texts, ct);

    /// <summary>Each of <paramref name="texts"/> as 16 kHz PCM16, trimmed to its speech.</summary>
    public static async Task<short[][]> SpeakAllAsync(IReadOnlyList<string> texts, CancellationToken ct)
    {
        var spoken = new short[texts.Count][];
        for (var i = 0; i < texts.Count; i++) spoken[i] = Trim(await SpeakAsync(texts[i], ct));
        return spoken;
    }

    private static async Task<short[]> SpeakAsync(string text, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-offline-{Guid.NewGuid():N}.wav");
        var psi = new ProcessStartInfo("flite");
        foreach (var a in new[] { "-voice", "kal16", "-t", text, "-o", path }) psi.ArgumentList.Add(a);
        using (var flite = Process.Start(psi)!) await flite.WaitForExitAsync(ct);
        var (samples, rate) = Wav.Read(await File.ReadAllBytesAsync(path, ct));
        File.Delete(path);
        if (rate != 16000) throw new InvalidOperationException($"flite kal16 gave {rate} Hz");
        return samples;
    }

    private static short[] Trim(short[] samples)
    {
        var first = Array.FindIndex(samples, s => Math.Abs((int)s) > Quiet);
        var last = Array.FindLastIndex(samples, s => Math.Abs((int)s) > Quiet);
        return first < 0 ? samples : samples[first..(last + 1)];
    }
}
