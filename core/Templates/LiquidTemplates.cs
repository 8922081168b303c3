using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;

namespace VoiceAgents.Core.Templates;

/// <summary>
/// The Liquid templates of an agent (system prompt, first message, rule replies, tool arguments), through Fluid:
/// parsed once (cached by source) and rendered over a call's values as plain text, never HTML-encoded. Untrusted
/// templates are bounded in steps and output, so a tenant's loop cannot hold a call.
/// </summary>
public static class LiquidTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Cache = new(StringComparer.Ordinal);
    private const int MaxCached = 10_000;

    private static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithMaxSteps(10_000)
        .WithMaxOutputSize(64 * 1024)
        .WithMaxRecursion(20)
        .Build();

    /// <summary>Why the source does not parse (Fluid's message, with its line and column), or null when it does.</summary>
    public static string? ParseError(string? source)
    {
        if (string.IsNullOrEmpty(source) || !HasMarkup(source)) return null;
        return Parser.TryParse(source, out _, out var error) ? null : error;
    }

    /// <summary>Whether the text has any Liquid markup at all, so plain text skips the engine.</summary>
    public static bool HasMarkup(string? text) =>
        text is not null && (text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal));

    /// <summary>
    /// Renders <paramref name="source"/> over <paramref name="model"/>, whose top-level names the template reads
    /// (<c>{{ name }}</c>, <c>{{ call.id }}</c>, <c>{{ tool.result.reference }}</c>). <paramref name="timeZone"/> is
    /// the one of <c>"now"</c> and dates without an offset. A template that does not parse, or that runs past its
    /// bounds, renders as its source: saving it was refused, and a call must still speak.
    /// </summary>
    public static string Render(string? source, JsonObject model, TimeZoneInfo? timeZone = null)
    {
        if (string.IsNullOrEmpty(source)) return source ?? "";
        if (!HasMarkup(source)) return source;
        var template = Cache.TryGetValue(source, out var cached) ? cached : Parse(source);
        if (template is null) return source;
        var context = new TemplateContext(model, Options);
        if (timeZone is not null) context.TimeZone = timeZone;
        try
        {
            return template.Render(context, NullEncoder.Default);
        }
        catch (InvalidOperationException)
        {
            return source;
        }
    }

    /// <summary>A model of string variables, each a top-level name.</summary>
    public static JsonObject Model(IReadOnlyDictionary<string, string>? variables)
    {
        var model = new JsonObject();
        if (variables is null) return model;
        foreach (var (k, v) in variables) model[k] = v;
        return model;
    }

    /// <summary>A JSON value (a tool's result) as a model value.</summary>
    public static JsonNode? Value(JsonElement json) => JsonNode.Parse(json.GetRawText());

    private static IFluidTemplate? Parse(string source)
    {
        if (!Parser.TryParse(source, out var template, out _)) return null;
        if (Cache.Count >= MaxCached) Cache.Clear();
        Cache[source] = template;
        return template;
    }
}
