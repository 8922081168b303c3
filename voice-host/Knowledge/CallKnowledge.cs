using System.Text;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Knowledge;

/// <summary>
/// A call's knowledge bases (<see cref="Agent.KnowledgeBases"/>), searched through the shared index cache: the
/// passages added to each LLM request in <c>context</c> mode, the <c>search_knowledge_base</c> tool's results in
/// <c>tool</c> mode, and a rule's <c>reply_from_knowledge</c> (every knowledge base of the agent). A search that
/// fails (the database is down) is logged and answers nothing: the call goes on without the knowledge base.
/// </summary>
public sealed partial class CallKnowledge(KnowledgeIndexCache indexes, CallContext call) : ICallKnowledge
{
    /// <summary>Chunks added to a request in context mode.</summary>
    public const int ContextChunks = 3;

    public const string ContextPreamble =
        "Passages from the knowledge base that may answer the caller's last words. Answer from them when they do; " +
        "if they do not, say you do not know rather than guess. Do not read out the numbers or sources.";

    public bool HasContextMode => Ids(KnowledgeModes.Context).Any();

    public async Task<IReadOnlyList<KnowledgeIndexHit>> SearchAsync(string query, int k, string? mode, CancellationToken ct)
    {
        var ids = Ids(mode).ToList();
        if (ids.Count == 0 || string.IsNullOrWhiteSpace(query)) return [];
        try
        {
            return await indexes.SearchAsync(call.TenantId, ids, query, k, ct);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogSearchFailed(call.Log, e, call.CallId);
            return [];
        }
    }

    public async Task<ChatMessage?> ContextAsync(IReadOnlyList<ChatMessage> messages, CancellationToken ct)
    {
        if (!HasContextMode) return null;
        var lastUser = messages.LastOrDefault(m => m.Role == ChatMessage.User);
        if (lastUser is null) return null;
        var hits = await SearchAsync(lastUser.Content, ContextChunks, KnowledgeModes.Context, ct);
        if (hits.Count == 0) return null;
        var text = new StringBuilder(ContextPreamble);
        for (var i = 0; i < hits.Count; i++)
        {
            var c = hits[i].Chunk;
            text.Append("\n\n[").Append(i + 1).Append("] ").Append(c.Source);
            if (c.Heading is { Length: > 0 } heading) text.Append(" > ").Append(heading);
            text.Append('\n').Append(c.Text);
        }
        return new ChatMessage(ChatMessage.System, text.ToString());
    }

    private IEnumerable<string> Ids(string? mode) =>
        call.Agent.KnowledgeBases.Where(kb => mode is null || kb.Mode == mode).Select(kb => kb.Id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge base search failed in call {CallId}; the turn goes on without it")]
    private static partial void LogSearchFailed(ILogger log, Exception e, string callId);
}
