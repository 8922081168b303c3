namespace VoiceAgents.Bench.Offline;

public static class Stats
{
    /// <summary>The 1, 5 and 15 minute load averages, recorded with results because other work shares the cores.</summary>
    public static string LoadAverage() => string.Join(' ', Api.BenchHost.LoadAverage().Split(' ').Take(3));

    /// <summary>The nearest-rank percentile (q in 0..1), rounded to 0.1; null for no values.</summary>
    public static double? P(IReadOnlyCollection<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
    }

    /// <summary>Lower-case words without punctuation, as WER compares them.</summary>
    public static string[] Words(string text) =>
        new string([.. text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) || c == '\'' ? c : ' ')])
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Word edits (substitutions, insertions, deletions) that turn <paramref name="hypothesis"/> into <paramref name="reference"/>.</summary>
    public static int Edits(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        var previous = new int[hypothesis.Count + 1];
        var current = new int[hypothesis.Count + 1];
        for (var j = 0; j <= hypothesis.Count; j++) previous[j] = j;
        for (var i = 1; i <= reference.Count; i++)
        {
            current[0] = i;
            for (var j = 1; j <= hypothesis.Count; j++)
            {
                var substitution = previous[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[hypothesis.Count];
    }
}
