using System.Text;
using VoiceAgents.Core.Knowledge;

namespace VoiceAgents.Tests.Knowledge;

public sealed class DocumentExtractorTests
{
    private static IReadOnlyList<TextBlock> Extract(string contentType, string text) =>
        DocumentExtractor.Extract(contentType, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Plain_text_paragraphs_are_split_at_blank_lines_and_their_lines_joined()
    {
        var blocks = Extract(KnowledgeContentTypes.PlainText, "Opening hours are\nnine to five.\r\n\r\n  \nParking is free.\n");
        Assert.Equal([TextBlock.Paragraph("Opening hours are nine to five."), TextBlock.Paragraph("Parking is free.")], blocks);
    }

    [Fact]
    public void Markdown_headings_paragraphs_and_list_items_become_blocks_without_markup()
    {
        var blocks = Extract(KnowledgeContentTypes.Markdown, """
            # Clinic policies

            We open at **nine** and close at [five](https://example.com).

            ## Cancellations
            Setext below
            ------------

            - Cancel a day ahead.
            - Late cancels cost `$20`.
            """);
        Assert.Equal(
        [
            TextBlock.Heading(1, "Clinic policies"),
            TextBlock.Paragraph("We open at nine and close at five."),
            TextBlock.Heading(2, "Cancellations"),
            TextBlock.Heading(2, "Setext below"),
            TextBlock.Paragraph("Cancel a day ahead."),
            TextBlock.Paragraph("Late cancels cost $20."),
        ], blocks);
    }

    [Fact]
    public void Html_headings_and_block_elements_become_blocks_and_scripts_and_styles_are_dropped()
    {
        var blocks = Extract(KnowledgeContentTypes.Html, """
            <html><head><title>Not text</title><style>p { color: red }</style></head>
            <body><h1>Refunds</h1><script>var secret = 1;</script>
            <p>Refunds take <b>five</b>
               days.</p><ul><li>By card</li><li>By <i>cheque</i></li></ul>
            <div>Loose text<h3>Exceptions</h3>None.</div></body></html>
            """);
        Assert.Equal(
        [
            TextBlock.Heading(1, "Refunds"),
            TextBlock.Paragraph("Refunds take five days."),
            TextBlock.Paragraph("By card"),
            TextBlock.Paragraph("By cheque"),
            TextBlock.Paragraph("Loose text"),
            TextBlock.Heading(3, "Exceptions"),
            TextBlock.Paragraph("None."),
        ], blocks);
    }

    [Fact]
    public void Pdf_text_is_read_in_order_as_paragraphs()
    {
        var pdf = TestPdf.With("The clinic opens at nine in the morning.", "Parking behind the building is free for patients.");
        var blocks = DocumentExtractor.Extract(KnowledgeContentTypes.Pdf, new MemoryStream(pdf));
        Assert.Equal(["The clinic opens at nine in the morning.", "Parking behind the building is free for patients."], blocks.Select(b => b.Text));
        Assert.All(blocks, b => Assert.False(b.IsHeading));
    }

    [Fact]
    public void A_file_that_is_not_a_pdf_throws_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => Extract(KnowledgeContentTypes.Pdf, "just some text, no PDF here"));
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "notes.bin", KnowledgeContentTypes.PlainText)]
    [InlineData("text/markdown", "faq", KnowledgeContentTypes.Markdown)]
    [InlineData("application/octet-stream", "faq.MD", KnowledgeContentTypes.Markdown)]
    [InlineData(null, "page.htm", KnowledgeContentTypes.Html)]
    [InlineData("", "policy.pdf", KnowledgeContentTypes.Pdf)]
    [InlineData("APPLICATION/PDF", "x", KnowledgeContentTypes.Pdf)]
    [InlineData("image/png", "scan.pdf", null)]
    [InlineData("application/octet-stream", "setup.exe", null)]
    [InlineData(null, "noextension", null)]
    public void Content_type_comes_from_the_declared_type_or_else_the_file_name(string? declared, string fileName, string? expected)
    {
        Assert.Equal(expected, KnowledgeContentTypes.Resolve(declared, fileName));
    }
}
