using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Tools;

namespace VoiceAgents.VoiceHost.Knowledge;

/// <summary>
/// <c>search_knowledge_base(query)</c>, offered when the agent has a knowledge base in <c>tool</c> mode: the model
/// asks when it needs to, and gets the best passages (<c>{"results": [{"source", "heading", "text"}]}</c>).
/// </summary>
public sealed class KnowledgeSearchTool(ICallKnowledge knowledge) : ICallTool
{
    public const string Name = "search_knowledge_base";
    /// <summary>Passages a search answers.</summary>
    public const int Results = 3;

    private static readonly JsonElement Parameters = JsonSerializer.SerializeToElement(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["query"] = new JsonObject { ["type"] = "string", ["description"] = "What to look up, in a few words or the caller's question." },
        },
        ["required"] = new JsonArray("query"),
        ["additionalProperties"] = false,
    });

    public ToolDefinition Definition { get; } = new(Name,
        "Search the knowledge base (the business's documents: policies, prices, hours, procedures) for passages that answer a question. Use it before answering such questions.",
        Parameters);

    public string? SpeakWhileRunning => null;

    public async Task<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken ct)
    {
        if (Query(invocation.ArgumentsJson) is not { Length: > 0 } query) return ToolResult.Failed("query is required: what to look up.");
        var hits = await knowledge.SearchAsync(query, Results, KnowledgeModes.Tool, ct);
        var results = hits.Select(h => new Dictionary<string, string?> { ["source"] = h.Chunk.Source, ["heading"] = h.Chunk.Heading, ["text"] = h.Chunk.Text }).ToArray();
        return new ToolResult(JsonSerializer.SerializeToElement(new { results }));
    }

    private static string? Query(string argumentsJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String
                ? q.GetString()!.Trim()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
