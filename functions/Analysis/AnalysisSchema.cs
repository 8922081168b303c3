using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using VoiceAgents.Core.Analysis;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// The shape an LLM's analysis must have: an object with <c>summary</c> (when on), <c>data</c> (the agent's schema,
/// when set) and <c>success</c> <c>{verdict, reason}</c> (when criteria are set), all required. The same schema is
/// sent to the vendor (OpenAI's <c>response_format</c>, Anthropic's tool <c>input_schema</c>) and checks the answer
/// with JsonSchema.Net, as vendors do not all enforce it.
/// </summary>
public sealed class AnalysisSchema
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };
    private readonly JsonSchema _schema;

    public AnalysisSchema(AnalysisSettings settings)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        if (settings.Summary)
        {
            properties["summary"] = new JsonObject { ["type"] = "string", ["description"] = "A few sentences on what the call was about and how it ended." };
            required.Add("summary");
        }
        if (settings.DataSchemaJson is { } data)
        {
            properties["data"] = JsonNode.Parse(data);
            required.Add("data");
        }
        if (!string.IsNullOrWhiteSpace(settings.Success))
        {
            properties["success"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["verdict"] = new JsonObject { ["type"] = "boolean", ["description"] = "Whether the call met the success criteria." },
                    ["reason"] = new JsonObject { ["type"] = "string", ["description"] = "Why, in one sentence." },
                },
                ["required"] = new JsonArray("verdict", "reason"),
            };
            required.Add("success");
        }
        Json = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        _schema = JsonSchema.FromText(Json.ToJsonString());
    }

    /// <summary>
    /// What is wrong with offline extracted <paramref name="data"/> against the agent's <paramref name="dataSchemaJson"/>:
    /// a value not of its property's type or bounds. A required field that was not found is not a problem here
    /// (the verdict says so); null when the data matches.
    /// </summary>
    public static string? DataProblems(string dataSchemaJson, JsonNode data)
    {
        var schema = JsonNode.Parse(dataSchemaJson)!.AsObject();
        schema.Remove("required");
        var result = JsonSchema.FromText(schema.ToJsonString()).Evaluate(JsonSerializer.SerializeToElement(data), Options);
        return result.IsValid ? null : Describe(result);
    }

    /// <summary>The schema as JSON, to send to the vendor.</summary>
    public JsonObject Json { get; }

    /// <summary>What is wrong with <paramref name="answer"/>, one line per error, or null when it matches.</summary>
    public string? Problems(JsonNode? answer)
    {
        var result = _schema.Evaluate(JsonSerializer.SerializeToElement(answer), Options);
        return result.IsValid ? null : Describe(result);
    }

    private static string Describe(EvaluationResults result)
    {
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
            .Distinct().Take(10).ToList();
        return errors.Count > 0 ? string.Join("\n", errors) : "does not match the schema.";
    }
}
