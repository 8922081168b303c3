namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// A piece of a document's text in reading order: a heading (<see cref="HeadingLevel"/> 1 to 6) or a paragraph
/// (<see cref="HeadingLevel"/> 0). Every extractor gives a document as these, and the chunker cuts them.
/// </summary>
public sealed record TextBlock(int HeadingLevel, string Text)
{
    public bool IsHeading => HeadingLevel > 0;

    public static TextBlock Heading(int level, string text) => new(Math.Clamp(level, 1, 6), text);

    public static TextBlock Paragraph(string text) => new(0, text);
}
