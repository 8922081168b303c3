using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Tools;

namespace VoiceAgents.VoiceHost.Knowledge;

/// <summary>The built-in <c>search_knowledge_base</c>, offered when the agent has a knowledge base in <c>tool</c> mode.</summary>
public sealed class KnowledgeToolSource(KnowledgeIndexCache indexes) : IToolSource
{
    public Task<CallToolSet> ToolsForAsync(CallContext call, CancellationToken ct) =>
        Task.FromResult(call.Agent.KnowledgeBases.Any(kb => kb.Mode == KnowledgeModes.Tool)
            ? new CallToolSet([new KnowledgeSearchTool(new CallKnowledge(indexes, call))])
            : CallToolSet.Empty);
}
