using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Core.Analysis;

/// <summary>
/// The offline analysis of a <c>rules</c> agent's call, labelled <see cref="CallAnalysisKinds.Extractive"/>: no
/// language model reads the call. The summary is the caller's first and last turns; each field of
/// <see cref="AnalysisSettings.Extract"/> is its regex's capture in what the caller said (the last match wins, as a
/// caller who corrects themselves says the right value last), typed as the schema's property says; the success
/// verdict is whether every field the schema requires (every extracted field, when it requires none) was found.
/// </summary>
public static class ExtractiveAnalyzer
{
    /// <summary>How long one regex may run over one turn; a pathological pattern fails its field instead of the analysis.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    public static CallAnalysis Analyze(AnalysisSettings settings, IReadOnlyList<TranscriptTurn> turns, DateTime now)
    {
        var said = turns.Where(t => t.Speaker == "user" && !string.IsNullOrWhiteSpace(t.Text)).Select(t => t.Text.Trim()).ToList();
        var schema = settings.DataSchemaJson is { } json ? JsonNode.Parse(json) as JsonObject : null;
        var data = new JsonObject();
        foreach (var (property, pattern) in settings.Extract)
        {
            if (Find(pattern, said) is { } value) data[property] = Typed(value, schema?["properties"]?[property]?["type"]?.GetValue<string>());
        }
        return new CallAnalysis
        {
            Kind = CallAnalysisKinds.Extractive,
            Summary = settings.Summary ? Summary(said) : null,
            Data = schema is null && settings.Extract.Count == 0 ? null : MongoDB.Bson.BsonDocument.Parse(data.ToJsonString()),
            Success = string.IsNullOrWhiteSpace(settings.Success) ? null : Verdict(settings, schema, data),
            AnalyzedAt = now,
        };
    }

    private static string Summary(List<string> said) => said.Count switch
    {
        0 => "The caller said nothing.",
        1 => $"The caller said: \"{said[0]}\"",
        _ => $"The caller first said: \"{said[0]}\" and last said: \"{said[^1]}\"",
    };

    private static string? Find(string pattern, List<string> said)
    {
        var regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        string? found = null;
        foreach (var text in said)
        {
            try
            {
                foreach (Match m in regex.Matches(text))
                {
                    if (m.Groups.Count > 1 && m.Groups[1].Success && m.Groups[1].Value.Trim().Length > 0) found = m.Groups[1].Value.Trim();
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Too slow on this turn: the field is not found here rather than the whole analysis lost.
            }
        }
        return found;
    }

    /// <summary>The capture as the schema's type wants it; a capture that is not of that type stays text, for validation to report.</summary>
    private static JsonNode? Typed(string value, string? type) => type switch
    {
        "integer" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        "number" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        "boolean" => JsonValue.Create(value.ToLowerInvariant() is "yes" or "true" or "yeah" or "yep" or "correct"),
        _ => JsonValue.Create(value),
    };

    private static CallSuccess Verdict(AnalysisSettings settings, JsonObject? schema, JsonObject data)
    {
        var required = schema?["required"] is JsonArray r && r.Count > 0
            ? r.Select(x => x!.GetValue<string>()).ToList()
            : settings.Extract.Keys.ToList();
        var missing = required.Where(p => !data.ContainsKey(p)).ToList();
        return missing.Count == 0
            ? new CallSuccess { Verdict = true, Reason = required.Count == 0 ? "Nothing was required." : $"The caller gave {string.Join(", ", required)}." }
            : new CallSuccess { Verdict = false, Reason = $"Not found in what the caller said: {string.Join(", ", missing)}." };
    }
}
