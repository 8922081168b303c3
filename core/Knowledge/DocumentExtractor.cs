using System.Text;

namespace VoiceAgents.Core.Knowledge;

/// <summary>A document's text as <see cref="TextBlock"/>s, by its kind (<see cref="KnowledgeContentTypes"/>).</summary>
public static class DocumentExtractor
{
    /// <summary>
    /// Reads <paramref name="content"/> (seekable for a PDF) as <paramref name="contentType"/>. A file that is not what
    /// it claims to be throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static IReadOnlyList<TextBlock> Extract(string contentType, Stream content)
    {
        switch (contentType)
        {
            case KnowledgeContentTypes.Pdf:
                try
                {
                    return PdfExtractor.Extract(content);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // PdfPig throws a range of types for a damaged or foreign file; to the uploader they all mean one thing.
                    throw new InvalidDataException($"The file could not be read as a PDF: {e.Message}", e);
                }
            case KnowledgeContentTypes.Html:
                return HtmlExtractor.Extract(content);
            case KnowledgeContentTypes.Markdown:
                return MarkdownExtractor.Extract(ReadText(content));
            case KnowledgeContentTypes.PlainText:
                return PlainTextExtractor.Extract(ReadText(content));
            default:
                throw new ArgumentOutOfRangeException(nameof(contentType), contentType, "Not a knowledge document type.");
        }
    }

    private static string ReadText(Stream content)
    {
        // UTF-8 unless a byte-order mark says otherwise.
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return reader.ReadToEnd();
    }
}
