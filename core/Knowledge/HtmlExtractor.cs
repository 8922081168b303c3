using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// HTML through AngleSharp's HTML5 parser: <c>h1</c> to <c>h6</c> are headings, and each block element (a paragraph,
/// list item, cell, quote...) ends a paragraph; scripts, styles and the head are not text.
/// </summary>
public static class HtmlExtractor
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "template", "head", "svg", "iframe", "object" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "li", "ul", "ol", "dl", "dt", "dd",
        "blockquote", "pre", "table", "tr", "td", "th", "caption", "figure", "figcaption", "address", "details", "summary", "br", "hr", "form",
    };

    public static IReadOnlyList<TextBlock> Extract(Stream html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var blocks = new List<TextBlock>();
        var paragraph = new StringBuilder();
        if (document.Body is { } body) Walk(body, blocks, paragraph);
        Flush(blocks, paragraph);
        return blocks;
    }

    private static void Walk(INode node, List<TextBlock> blocks, StringBuilder paragraph)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText text)
            {
                paragraph.Append(text.Data);
                continue;
            }
            if (child is not IElement element || Skipped.Contains(element.LocalName)) continue;
            if (element.LocalName is ['h' or 'H', >= '1' and <= '6'] name)
            {
                Flush(blocks, paragraph);
                var heading = TextNormalizer.Collapse(element.TextContent);
                if (heading.Length > 0) blocks.Add(TextBlock.Heading(name[1] - '0', heading));
                continue;
            }
            var isBlock = Blocks.Contains(element.LocalName);
            if (isBlock) Flush(blocks, paragraph);
            Walk(element, blocks, paragraph);
            if (isBlock) Flush(blocks, paragraph);
        }
    }

    private static void Flush(List<TextBlock> blocks, StringBuilder paragraph)
    {
        var text = TextNormalizer.Collapse(paragraph.ToString());
        paragraph.Clear();
        if (text.Length > 0) blocks.Add(TextBlock.Paragraph(text));
    }
}
