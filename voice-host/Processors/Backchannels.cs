using System.Globalization;
using System.Text;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Whether what a caller said while the bot talked is only a backchannel: words that say "I'm listening", one
/// phrase or several ("okay", "yeah yeah", "uh huh right"). Matching is on words, after case and punctuation are
/// dropped, so "Mm-hmm." matches the phrase "mm-hmm" and "OK!" the phrase "ok".
/// </summary>
public sealed class Backchannels
{
    private readonly string[][] _phrases;

    public Backchannels(IEnumerable<string> phrases) =>
        _phrases = phrases.Select(Words).Where(w => w.Length > 0).Distinct(new WordsComparer()).ToArray();

    public bool IsEmpty => _phrases.Length == 0;

    /// <summary>
    /// True when <paramref name="words"/> are backchannel phrases one after another. With <paramref name="partial"/>
    /// (an interim transcript, more may follow) the last phrase may be unfinished: "uh" may yet be "uh huh".
    /// </summary>
    public bool Only(string[] words, bool partial)
    {
        if (words.Length == 0 || IsEmpty) return false;
        // covered[i]: the first i words are whole phrases.
        var covered = new bool[words.Length + 1];
        covered[0] = true;
        for (var i = 0; i < words.Length; i++)
        {
            if (!covered[i]) continue;
            foreach (var phrase in _phrases)
            {
                var n = Math.Min(phrase.Length, words.Length - i);
                if (!phrase.AsSpan(0, n).SequenceEqual(words.AsSpan(i, n))) continue;
                if (n == phrase.Length) covered[i + n] = true;
                else if (partial) return true;
            }
        }
        return covered[words.Length];
    }

    /// <summary>Lower-case words of <paramref name="text"/>, without punctuation; hyphens split words ("mm-hmm" is "mm hmm").</summary>
    public static string[] Words(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            b.Append(char.IsLetterOrDigit(c) || c == '\'' ? char.ToLower(c, CultureInfo.InvariantCulture) : ' ');
        }
        return b.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private sealed class WordsComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(string[] words) => string.Join(' ', words).GetHashCode(StringComparison.Ordinal);
    }
}
