namespace VoiceAgents.Core.Knowledge;

/// <summary>Plain text: paragraphs are separated by blank lines; there are no headings.</summary>
public static class PlainTextExtractor
{
    public static IReadOnlyList<TextBlock> Extract(string text) => TextNormalizer.Paragraphs(text).Select(TextBlock.Paragraph).ToList();
}
