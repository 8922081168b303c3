namespace VoiceAgents.Core.Knowledge;

/// <summary>The kinds of document a knowledge base takes, and how an upload's kind is told.</summary>
public static class KnowledgeContentTypes
{
    public const string PlainText = "text/plain";
    public const string Markdown = "text/markdown";
    public const string Html = "text/html";
    public const string Pdf = "application/pdf";
    public static readonly string[] All = [PlainText, Markdown, Html, Pdf];

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = PlainText, [".text"] = PlainText,
        [".md"] = Markdown, [".markdown"] = Markdown,
        [".html"] = Html, [".htm"] = Html,
        [".pdf"] = Pdf,
    };

    /// <summary>
    /// The kind of an upload from its declared media type, or from its file name when the type says nothing
    /// (browsers send <c>application/octet-stream</c> or nothing for a <c>.md</c> file); null when it is none of ours.
    /// </summary>
    public static string? Resolve(string? declared, string? fileName)
    {
        var media = declared?.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (media is "text/x-markdown") media = Markdown;
        if (media is not null && All.Contains(media)) return media;
        if (!string.IsNullOrEmpty(media) && media != "application/octet-stream") return null;
        return ByExtension.GetValueOrDefault(Path.GetExtension(fileName ?? ""));
    }
}
