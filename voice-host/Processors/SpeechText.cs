using System.Buffers;
using System.Text.RegularExpressions;
using System.Text;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Text handling before TTS, for every provider. A sentence is spoken in pieces of bounded size, and long digit
/// runs are read digit by digit in groups, so one synthesis costs bounded time and memory whatever the text: flite's
/// work before its first audio grows with the speech of the whole utterance (about 5-10 ms per second of speech for
/// slt), and it holds all of that utterance's audio at once. Only what is spoken changes: the transcript and the
/// conversation keep the sentence as the LLM wrote it.
/// </summary>
public static partial class SpeechText
{
    /// <summary>A run of this many ASCII digits or more (an id, a phone number) is read as digits in groups of three.</summary>
    public const int GroupedDigitRun = 7;

    /// <summary>
    /// The most a piece may weigh: a character weighs 1 and a digit <see cref="DigitWeight"/>. 150 is a long sentence
    /// (about 10 s of speech), 20 grouped digits, or three amounts such as "$123456.99".
    /// </summary>
    public const int MaxPieceWeight = 150;

    /// <summary>A digit becomes a word or more when spoken ("123456" is ten words), so it weighs as much as six letters.</summary>
    public const int DigitWeight = 6;

    /// <summary>The pieces to synthesize for a sentence, in order, each at most <see cref="MaxPieceWeight"/>.</summary>
    public static IEnumerable<string> Pieces(string sentence)
    {
        var rest = GroupDigits(sentence).AsMemory();
        while (rest.Length > 0)
        {
            var cut = CutAt(rest.Span, MaxPieceWeight, hard: true);
            var piece = rest[..cut].Trim();
            rest = rest[cut..];
            if (piece.Length > 0) yield return piece.ToString();
        }
    }

    /// <summary>Rewrites each run of <see cref="GroupedDigitRun"/> or more digits as "4 1 5, 5 5 5, 0 1 0 0".</summary>
    public static string GroupDigits(string text) => DigitRun().Replace(text, m => Grouped(m.ValueSpan));

    /// <summary>
    /// Where to cut <paramref name="text"/> so the first part weighs at most <paramref name="max"/>: after the last
    /// clause or sentence mark followed by a space (if that keeps at least half), else at the last space; with none,
    /// at the limit itself when <paramref name="hard"/>, or else at the first space past it. Returns the length of
    /// the first part: all of the text when it is light enough, 0 when it cannot be cut (not hard, and no space).
    /// </summary>
    public static int CutAt(ReadOnlySpan<char> text, int max, bool hard)
    {
        var weight = 0;
        var limit = text.Length;
        for (var i = 0; i < text.Length; i++)
        {
            weight += char.IsDigit(text[i]) ? DigitWeight : 1;
            if (weight <= max) continue;
            limit = i;
            break;
        }
        if (limit == text.Length) return text.Length;
        int mark = -1, space = -1;
        for (var i = 1; i < limit; i++)
        {
            if (!Spaces.Contains(text[i])) continue;
            space = i;
            if (text[i - 1] is ',' or ';' or ':' or '.' or '!' or '?' or ')' or '-' or '–' or '—') mark = i;
        }
        if (mark >= limit / 2) return mark;
        if (space > 0) return space;
        if (!hard)
        {
            var next = text[limit..].IndexOfAny(Spaces);
            return next < 0 ? 0 : limit + next;
        }
        // No space in a whole piece: a long token is cut where it must be, never inside a surrogate pair.
        if (limit > 1 && char.IsHighSurrogate(text[limit - 1])) limit--;
        return Math.Max(1, limit);
    }

    /// <summary>Whether the text has a space that <see cref="CutAt"/> could cut at.</summary>
    public static bool HasSpace(ReadOnlySpan<char> text) => text.IndexOfAny(Spaces) >= 0;

    private static readonly SearchValues<char> Spaces = SearchValues.Create(" \t\r\n\u00a0\u2009\u202f");

    private static string Grouped(ReadOnlySpan<char> digits)
    {
        var spoken = new StringBuilder(digits.Length * 3);
        for (var i = 0; i < digits.Length;)
        {
            // Threes, except that a last lone digit joins the group before it (a US number reads 3, 3, 4).
            var size = digits.Length - i == 4 ? 4 : Math.Min(3, digits.Length - i);
            if (spoken.Length > 0) spoken.Append(", ");
            for (var j = 0; j < size; j++)
            {
                if (j > 0) spoken.Append(' ');
                spoken.Append(digits[i + j]);
            }
            i += size;
        }
        return spoken.ToString();
    }

    [GeneratedRegex("[0-9]{7,}")]
    private static partial Regex DigitRun();
}
