namespace VoiceAgents.Functions.KnowledgeBases;

/// <summary>
/// The body of <c>POST /knowledge-bases</c> (a name is required) and <c>PATCH /knowledge-bases/{id}</c> (what is left
/// out is kept; an empty description clears it).
/// </summary>
public sealed record KnowledgeBaseRequest(string? Name, string? Description);
