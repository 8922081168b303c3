using VoiceAgents.Core.Knowledge;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// What an LLM is asked: the conversation, for the agent, with the model settings in <see cref="Llm"/>. A fallback
/// provider gets the same agent with its own settings, never a copy of the agent.
/// </summary>
public sealed record LlmRequest(Agent Agent, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>The model and temperature to use: the agent's own, or those of its fallback provider.</summary>
    public LlmConfig Llm { get; init; } = Agent.Llm;

    /// <summary>
    /// The tools the model may call this turn (the agent's HTTP and MCP tools and the built-ins besides
    /// <c>end_call</c>, which providers offer themselves); empty when none, or when the turn's tool loop is spent.
    /// </summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>
    /// What the call's templates see (its variables and the built-ins <c>call</c>, <c>caller</c>, <c>now</c>), for a
    /// responder that renders templates itself (the rules responder). Read-only: copy it to add to it.
    /// </summary>
    public JsonObject TemplateModel { get; init; } = [];

    /// <summary>
    /// Told the tokens the request used, once the provider knows them (at the end of its stream). A reply cut off by
    /// a barge-in may never report: the vendor sends its usage last.
    /// </summary>
    public Action<LlmUsage>? ReportUsage { get; init; }

    /// <summary>
    /// The best chunks of the agent's knowledge bases for a question (all modes), for a responder that answers from
    /// them itself (a rule's <c>reply_from_knowledge</c>); null when the agent has none.
    /// </summary>
    public Func<string, int, CancellationToken, Task<IReadOnlyList<KnowledgeIndexHit>>>? SearchKnowledge { get; init; }
}
