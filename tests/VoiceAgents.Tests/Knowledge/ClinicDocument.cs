using System.Text.Json;
using System.Text.RegularExpressions;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>
/// The quality set: a fictional clinic's policies (harbourview-clinic.md, written for these tests, about 1,900
/// words), cut into one chunk per section, and questions a caller would ask with the section that answers each.
/// </summary>
public static partial class ClinicDocument
{
    public const string Source = "harbourview-clinic.md";
    private static readonly string Folder = Path.Combine(LocalStack.RepoRoot, "tests", "VoiceAgents.Tests", "Knowledge");

    public sealed record Question(string Text, string Expected);

    /// <summary>One chunk per <c>##</c> section, its heading the section's title.</summary>
    public static List<KnowledgeChunk> Chunks(string tenantId, string knowledgeBaseId, string? documentId = null)
    {
        var document = documentId ?? ObjectId.GenerateNewId().ToString();
        var text = File.ReadAllText(Path.Combine(Folder, Source));
        return Section().Matches(text).Select((m, i) => new KnowledgeChunk
        {
            Id = ObjectId.GenerateNewId().ToString(),
            TenantId = tenantId,
            KnowledgeBaseId = knowledgeBaseId,
            DocumentId = document,
            Source = Source,
            Position = i,
            Heading = m.Groups["heading"].Value.Trim(),
            Text = m.Groups["body"].Value.Trim(),
        }).ToList();
    }

    public static IReadOnlyList<Question> Questions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "harbourview-questions.json")));
        return doc.RootElement.EnumerateArray().Select(q => new Question(q.GetProperty("question").GetString()!, q.GetProperty("expected").GetString()!)).ToList();
    }

    [GeneratedRegex(@"^## (?<heading>.+)\n(?<body>(?:(?!^## ).*\n?)+)", RegexOptions.Multiline)]
    private static partial Regex Section();
}
