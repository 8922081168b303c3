using System.Text.RegularExpressions;

namespace VoiceAgents.Core.Knowledge;

/// <summary>Whitespace as the chunker wants it: runs of spaces, tabs and line breaks inside a block become one space.</summary>
internal static partial class TextNormalizer
{
    public static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    /// <summary>Splits plain text at blank lines into paragraphs, each collapsed; empty ones are dropped.</summary>
    public static IEnumerable<string> Paragraphs(string text) =>
        BlankLines().Split(text.Replace("\r\n", "\n").Replace('\r', '\n')).Select(Collapse).Where(p => p.Length > 0);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\n[ \t]*\n")]
    private static partial Regex BlankLines();
}
