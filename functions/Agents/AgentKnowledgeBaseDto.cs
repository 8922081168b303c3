namespace VoiceAgents.Functions.Agents;

/// <summary>
/// A knowledge base the agent answers from: <c>id</c> names one of the organization's knowledge bases; <c>mode</c>
/// is <c>context</c> (the best passages for the caller's last turn go into that LLM request, the default) or
/// <c>tool</c> (the LLM gets a <c>search_knowledge_base(query)</c> tool).
/// </summary>
public sealed record AgentKnowledgeBaseDto(string? Id, string? Mode);
