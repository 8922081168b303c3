using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace VoiceAgents.Core.Knowledge;

/// <summary>Markdown through Markdig's syntax tree: ATX and setext headings, paragraphs, list items, quotes and code.</summary>
public static class MarkdownExtractor
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static IReadOnlyList<TextBlock> Extract(string markdown)
    {
        var blocks = new List<TextBlock>();
        Walk(Markdown.Parse(markdown, Pipeline), blocks);
        return blocks;
    }

    private static void Walk(ContainerBlock container, List<TextBlock> blocks)
    {
        foreach (var block in container)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    Add(blocks, heading.Level, InlineText(heading.Inline));
                    break;
                case ParagraphBlock paragraph:
                    Add(blocks, 0, InlineText(paragraph.Inline));
                    break;
                case CodeBlock code:
                    Add(blocks, 0, code.Lines.ToString());
                    break;
                case ContainerBlock inner:
                    Walk(inner, blocks);
                    break;
            }
        }
    }

    private static void Add(List<TextBlock> blocks, int level, string text)
    {
        text = TextNormalizer.Collapse(text);
        if (text.Length > 0) blocks.Add(new TextBlock(level, text));
    }

    private static string InlineText(ContainerInline? inline)
    {
        var text = new StringBuilder();
        Append(inline, text);
        return text.ToString();
    }

    private static void Append(Inline? inline, StringBuilder text)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content);
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline:
                text.Append(' ');
                break;
            case ContainerInline container:
                foreach (var child in container) Append(child, text);
                break;
        }
    }
}
