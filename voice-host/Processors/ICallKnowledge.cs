using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>A call's knowledge bases as the LLM stage uses them (implemented in <c>Knowledge/</c>).</summary>
public interface ICallKnowledge
{
    /// <summary>
    /// A system message of the best passages of the context-mode knowledge bases for the caller's last turn in
    /// <paramref name="messages"/>; null when there are none in context mode or nothing matched.
    /// </summary>
    Task<ChatMessage?> ContextAsync(IReadOnlyList<ChatMessage> messages, CancellationToken ct);

    /// <summary>The best chunks of the agent's knowledge bases in <paramref name="mode"/> (all of them when null), best first.</summary>
    Task<IReadOnlyList<KnowledgeIndexHit>> SearchAsync(string query, int k, string? mode, CancellationToken ct);
}
