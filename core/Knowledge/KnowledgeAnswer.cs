using System.Text.RegularExpressions;

namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// What a rule with <c>reply_from_knowledge</c> says: the sentence of the best chunk that shares the most of the
/// question's words (stemmed as the index stems them), with the sentence after it when that one shares a word
/// too or the first is short, so an answer split over two sentences is said whole.
/// </summary>
public static partial class KnowledgeAnswer
{
    /// <summary>A sentence shorter than this (in words) takes the next one with it.</summary>
    private const int ShortSentence = 8;

    public static string From(string question, string chunkText)
    {
        var sentences = Sentences(chunkText);
        if (sentences.Count == 0) return "";
        var asked = KnowledgeIndex.Terms(question).ToHashSet(StringComparer.Ordinal);
        var overlaps = sentences.Select(s => KnowledgeIndex.Terms(s).Distinct(StringComparer.Ordinal).Count(asked.Contains)).ToArray();
        // The first best sentence: earlier sentences of a chunk tend to state its topic.
        var best = Array.IndexOf(overlaps, overlaps.Max());
        var answer = sentences[best];
        if (best + 1 < sentences.Count && (overlaps[best + 1] > 0 || Words(answer) < ShortSentence)) answer += " " + sentences[best + 1];
        return answer;
    }

    private static List<string> Sentences(string text) =>
        SentenceEnd().Split(Heading().Replace(text, " ")).Select(s => Whitespace().Replace(s, " ").Trim()).Where(s => s.Length > 0).ToList();

    private static int Words(string sentence) => sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>After ., ! or ? and a space, or at a line break (list items and headings end without a full stop).</summary>
    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentenceEnd();

    /// <summary>Markdown heading and list marks, which are not said.</summary>
    [GeneratedRegex(@"(?m)^\s*(#{1,6}|[-*]|\d+\.)\s+")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
