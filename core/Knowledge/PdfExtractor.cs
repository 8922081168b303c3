using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;

namespace VoiceAgents.Core.Knowledge;

/// <summary>
/// PDF through PdfPig: each page's words are grouped into text blocks (Docstrum) and read in order; a block is a
/// paragraph. A PDF says nothing reliable about headings, so its chunks are cut by size alone.
/// </summary>
public static class PdfExtractor
{
    /// <summary>The PDF's paragraphs; <paramref name="pdf"/> must be seekable.</summary>
    public static IReadOnlyList<TextBlock> Extract(Stream pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var blocks = new List<TextBlock>();
        foreach (var page in document.GetPages())
        {
            var words = page.GetWords().ToList();
            if (words.Count == 0) continue;
            var segments = DocstrumBoundingBoxes.Instance.GetBlocks(words);
            foreach (var segment in UnsupervisedReadingOrderDetector.Instance.Get(segments))
            {
                var text = TextNormalizer.Collapse(segment.Text);
                if (text.Length > 0) blocks.Add(TextBlock.Paragraph(text));
            }
        }
        return blocks;
    }
}
