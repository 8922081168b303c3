using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VoiceAgents.Core.Analysis;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// An agent's post-call analysis: <c>summary</c> (true, false, or the summary's own prompt; default true),
/// <c>data</c> (a JSON Schema of an object: the fields to fill), <c>success</c> (criteria in words, for a verdict
/// with a reason), <c>extract</c> (per field of <c>data</c>, a regex with one capture group: how a <c>rules</c>
/// agent's offline analysis finds it in what the caller said), and <c>provider</c>/<c>model</c> to analyse with
/// another LLM than the agent's (<c>rules</c>: offline).
/// </summary>
public sealed record AgentAnalysisDto(
    JsonNode? Summary,
    JsonNode? Data,
    string? Success,
    [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Extract = null,
    string? Provider = null,
    string? Model = null)
{
    public static AgentAnalysisDto? From(AnalysisSettings? a) => a is null ? null : new(
        a.SummaryPrompt is { } prompt ? JsonValue.Create(prompt) : JsonValue.Create(a.Summary),
        a.DataSchemaJson is { } schema ? JsonNode.Parse(schema) : null,
        a.Success,
        a.Extract.ToDictionary(e => e.Key, e => (string?)e.Value),
        a.Provider, a.Model);
}
