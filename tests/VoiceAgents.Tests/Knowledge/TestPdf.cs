using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>A small PDF made in the test with PdfPig's builder: a page for each paragraph, one line of text on each.</summary>
public static class TestPdf
{
    public static byte[] With(params string[] paragraphs)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var paragraph in paragraphs)
        {
            builder.AddPage(PageSize.A4).AddText(paragraph, 11, new PdfPoint(50, 780), font);
        }
        return builder.Build();
    }
}
