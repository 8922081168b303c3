using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VoiceAgents.Core.Analysis;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Providers;
using VoiceAgents.Functions.Agents;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// Checks an agent's <c>analysis</c> on save: the data schema against the JSON Schema meta-schema (JsonSchema.Net,
/// as a tool's parameters are), each extract pattern for a .NET regex with exactly one capture group, naming a
/// property of the schema; then stores it (<see cref="AnalysisSettings"/>).
/// </summary>
public static partial class AgentAnalysisValidator
{
    public const int MaxPromptLength = 4_000;
    public const int MaxSchemaLength = 20_000;
    public const int MaxExtract = 50;
    public const int MaxPatternLength = 500;

    public static void Validate(Validation v, AgentAnalysisDto? a)
    {
        if (a is null) return;
        if (a.Summary is not null && a.Summary.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.String))
        {
            v.Add("analysis.summary", "must be true, false or the summary's prompt.");
        }
        else if (a.Summary?.GetValueKind() == JsonValueKind.String) v.Required("analysis.summary", a.Summary.GetValue<string>(), MaxPromptLength);
        HashSet<string>? properties = null;
        if (a.Data is not null)
        {
            var text = a.Data.ToJsonString();
            if (text.Length > MaxSchemaLength) v.Add("analysis.data", $"must be a JSON Schema of at most {MaxSchemaLength} characters.");
            else if (ToolParameters.Problem(JsonSerializer.SerializeToElement(a.Data)) is { } problem) v.Add("analysis.data", problem);
            else properties = (a.Data["properties"] as JsonObject)?.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        }
        v.MaxLength("analysis.success", a.Success, MaxPromptLength);
        Extract(v, a.Extract, properties);
        if (a.Provider is not null && ProviderRegistry.Find(ProviderRegistry.Llm, a.Provider) is null)
        {
            v.Add("analysis.provider", $"must be one of: {string.Join(", ", ProviderRegistry.Llm.Select(p => p.Name))}.");
        }
        v.MaxLength("analysis.model", a.Model, 200);
        if (a.Summary?.GetValueKind() == JsonValueKind.False && a.Data is null && string.IsNullOrWhiteSpace(a.Success))
        {
            v.Add("analysis", "must ask for a summary, data or a success verdict.");
        }
    }

    private static void Extract(Validation v, IReadOnlyDictionary<string, string?>? extract, HashSet<string>? properties)
    {
        if (extract is null) return;
        if (extract.Count > MaxExtract) v.Add("analysis.extract", $"must have at most {MaxExtract} fields.");
        foreach (var (name, pattern) in extract.Take(MaxExtract))
        {
            var f = $"analysis.extract.{name}";
            if (!PropertyPattern().IsMatch(name)) v.Add(f, "must be named by 1 to 64 letters, digits or '_'.");
            else if (properties is not null && !properties.Contains(name)) v.Add(f, "must name a property of analysis.data.");
            if (!v.Required(f, pattern, MaxPatternLength)) continue;
            try
            {
                var groups = new Regex(pattern!, RegexOptions.None, ExtractiveAnalyzer.MatchTimeout).GetGroupNumbers().Length - 1;
                if (groups != 1) v.Add(f, $"must have exactly one capture group, not {groups}.");
            }
            catch (ArgumentException e)
            {
                v.Add(f, $"is not a valid regular expression: {e.Message}");
            }
        }
    }

    public static AnalysisSettings? Map(AgentAnalysisDto? a) => a is null ? null : new AnalysisSettings
    {
        Summary = a.Summary?.GetValueKind() != JsonValueKind.False,
        SummaryPrompt = a.Summary?.GetValueKind() == JsonValueKind.String ? a.Summary.GetValue<string>().Trim() : null,
        DataSchemaJson = a.Data?.ToJsonString(),
        Success = string.IsNullOrWhiteSpace(a.Success) ? null : a.Success.Trim(),
        Extract = (a.Extract ?? new Dictionary<string, string?>()).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal),
        Provider = a.Provider,
        Model = string.IsNullOrWhiteSpace(a.Model) ? null : a.Model.Trim(),
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex PropertyPattern();
}
