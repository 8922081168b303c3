namespace VoiceAgents.Core.Domain;

/// <summary>A knowledge base an agent answers from, and how (<see cref="KnowledgeModes"/>).</summary>
public sealed class AgentKnowledgeBase
{
    public required string Id { get; set; }
    public string Mode { get; set; } = KnowledgeModes.Context;
}

public static class KnowledgeModes
{
    /// <summary>The best chunks for the caller's last turn go into that LLM request.</summary>
    public const string Context = "context";
    /// <summary>The LLM gets a <c>search_knowledge_base(query)</c> tool.</summary>
    public const string Tool = "tool";
    public static readonly string[] All = [Context, Tool];
}
