using System.Text.Json;
using Json.Schema;

namespace VoiceAgents.Functions.Agents;

/// <summary>
/// A tool's <c>parameters</c>: a JSON Schema (draft 2020-12, what the LLM vendors read) of an object, checked against
/// the meta-schema by JsonSchema.Net so a broken schema is refused on save, not by the vendor in the middle of a call.
/// </summary>
public static class ToolParameters
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

    /// <summary>Why <paramref name="schema"/> is not a usable parameters schema, or null when it is.</summary>
    public static string? Problem(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object) return "must be a JSON Schema object such as {\"type\":\"object\",\"properties\":{}}.";
        if (!schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            return "must describe an object: \"type\": \"object\".";
        }
        var result = MetaSchemas.Draft202012.Evaluate(schema, Options);
        if (!result.IsValid)
        {
            var first = result.Details?.FirstOrDefault(d => d.Errors is { Count: > 0 });
            if (first is null) return "is not a valid JSON Schema.";
            var (keyword, message) = first.Errors!.First();
            var at = first.InstanceLocation.ToString();
            return $"is not a valid JSON Schema: {(at.Length > 0 ? at + ": " : "")}{message} ({keyword}).";
        }
        try
        {
            JsonSchema.Build(schema);
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException)
        {
            return $"is not a valid JSON Schema: {e.Message}";
        }
        return null;
    }
}
