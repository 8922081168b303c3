using System.Text.RegularExpressions;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Webhooks;

namespace VoiceAgents.Functions.Agents;

/// <summary>
/// An agent's <c>tools</c>: checked field by field, then stored with their secrets (kept by name across updates). An
/// MCP tool's header values are write-only as the secret is: a header sent as null, "" or the mask the API shows
/// (<see cref="AgentToolResponse.HeaderMask"/>) keeps the value stored for that tool and header.
/// </summary>
public static partial class AgentToolsValidator
{
    public const int MaxTools = 20;
    public const int MaxHeaders = 20;
    public static readonly string[] Methods = ["POST", "PUT", "PATCH", "GET", "DELETE"];
    private static readonly string[] BuiltIns = [AgentToolTypes.EndCall, AgentToolTypes.TransferCall];

    /// <summary>Adds every tool's errors; returns the URLs (by field) for the SSRF guard, which resolves hosts.</summary>
    public static List<(string Field, Uri Url)> Validate(Validation v, IReadOnlyList<AgentToolDto?>? tools)
    {
        var urls = new List<(string, Uri)>();
        if (tools is null) return urls;
        if (tools.Count > MaxTools) v.Add("tools", $"must have at most {MaxTools} tools.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tools.Count && i < MaxTools; i++)
        {
            var f = $"tools[{i}]";
            if (tools[i] is not { } t)
            {
                v.Add(f, "must be an object.");
                continue;
            }
            if (v.Required($"{f}.type", t.Type, 10)) v.OneOf($"{f}.type", t.Type, AgentToolTypes.All);
            if (v.Required($"{f}.name", t.Name, 64))
            {
                if (!NamePattern().IsMatch(t.Name!)) v.Add($"{f}.name", "must be 1 to 64 letters, digits, '_' or '-'.");
                else if (BuiltIns.Contains(t.Name!, StringComparer.OrdinalIgnoreCase)) v.Add($"{f}.name", $"must not be the name of a built-in tool ({string.Join(", ", BuiltIns)}).");
                else if (!names.Add(t.Name!)) v.Add($"{f}.name", "must be unique among the agent's tools.");
            }
            v.MaxLength($"{f}.description", t.Description, 1_000);
            v.MaxLength($"{f}.speak_while_running", t.SpeakWhileRunning, 500);
            v.Range($"{f}.timeout_ms", t.TimeoutMs, 100, AgentToolTypes.MaxTimeoutMs);
            if (WebhookValidator.TargetUrl(v, $"{f}.url", t.Url) is { } url) urls.Add(($"{f}.url", url));
            if (t.Type == AgentToolTypes.Http)
            {
                if (t.Parameters is { } schema && ToolParameters.Problem(schema) is { } problem) v.Add($"{f}.parameters", problem);
                if (t.Method is not null && !Methods.Contains(t.Method.ToUpperInvariant())) v.Add($"{f}.method", $"must be one of: {string.Join(", ", Methods)}.");
                if (t.Secret is not null && (t.Secret.Length is < 16 or > 200 || t.Secret.Any(char.IsWhiteSpace)))
                {
                    v.Add($"{f}.secret", "must be 16 to 200 characters without spaces.");
                }
                if (t.Headers is { Count: > 0 }) v.Add($"{f}.headers", "applies to mcp tools only; an http tool is authenticated by its signature.");
            }
            else if (t.Type == AgentToolTypes.Mcp)
            {
                if (t.Parameters is not null) v.Add($"{f}.parameters", "applies to http tools only; an MCP server describes its own tools.");
                if (t.Method is not null) v.Add($"{f}.method", "applies to http tools only.");
                if (t.Secret is not null) v.Add($"{f}.secret", "applies to http tools only; send an MCP server's credentials in headers.");
                Headers(v, $"{f}.headers", t.Headers);
            }
        }
        return urls;
    }

    /// <summary>
    /// Stores the request's tools on the agent. An http tool keeps the secret of the agent's tool of the same name,
    /// unless the request sets one; a new one gets a generated secret, whose tool name is returned so the answer shows it once.
    /// </summary>
    public static IReadOnlySet<string> Map(IReadOnlyList<AgentToolDto?>? tools, Agent agent)
    {
        var previous = agent.Tools.Where(t => t.Type == AgentToolTypes.Http).ToDictionary(t => t.Name, t => t.Secret, StringComparer.Ordinal);
        var previousHeaders = agent.Tools.Where(t => t.Type == AgentToolTypes.Mcp).ToDictionary(t => t.Name, t => t.Headers, StringComparer.Ordinal);
        var generated = new HashSet<string>(StringComparer.Ordinal);
        var v = new Validation();
        agent.Tools = (tools ?? []).Select((t, i) =>
        {
            var http = t!.Type == AgentToolTypes.Http;
            string? secret = null;
            if (http)
            {
                secret = t.Secret ?? previous.GetValueOrDefault(t.Name!);
                if (secret is null)
                {
                    secret = WebhookSignature.NewSecret();
                    generated.Add(t.Name!);
                }
            }
            return new AgentTool
            {
                Type = t.Type!, Name = t.Name!, Description = string.IsNullOrWhiteSpace(t.Description) ? null : t.Description.Trim(),
                ParametersJson = http && t.Parameters is { } p ? p.GetRawText() : null,
                Url = t.Url!.Trim(), Method = http ? (t.Method ?? "POST").ToUpperInvariant() : "POST",
                TimeoutMs = t.TimeoutMs ?? AgentToolTypes.DefaultTimeoutMs,
                SpeakWhileRunning = string.IsNullOrWhiteSpace(t.SpeakWhileRunning) ? null : t.SpeakWhileRunning.Trim(),
                Secret = secret,
                Headers = http ? [] : StoredHeaders(v, $"tools[{i}].headers", t.Headers, previousHeaders.GetValueOrDefault(t.Name!)),
                CancelOnBargeIn = t.CancelOnBargeIn ?? false,
            };
        }).ToList();
        v.ThrowIfInvalid();
        return generated;
    }

    /// <summary>A value that keeps the stored one: absent (null or "") or the mask the API shows.</summary>
    private static bool KeepsStored(string? value) => string.IsNullOrEmpty(value) || value == AgentToolResponse.HeaderMask;

    /// <summary>The headers to store: the sent values, with kept ones taken from the tool's stored headers (a kept header with none stored is an error).</summary>
    private static Dictionary<string, string> StoredHeaders(Validation v, string field, IReadOnlyDictionary<string, string?>? sent, Dictionary<string, string>? stored)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in sent ?? new Dictionary<string, string?>())
        {
            if (!KeepsStored(value)) headers[name] = value!;
            else if (stored?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } kept) headers[name] = kept;
            else v.Add($"{field}.{name}", "has no stored value to keep: send its value.");
        }
        return headers;
    }

    private static void Headers(Validation v, string field, IReadOnlyDictionary<string, string?>? headers)
    {
        if (headers is null) return;
        if (headers.Count > MaxHeaders) v.Add(field, $"must have at most {MaxHeaders} headers.");
        foreach (var (name, value) in headers)
        {
            if (!HeaderNamePattern().IsMatch(name)) v.Add($"{field}.{name}", "is not a valid HTTP header name.");
            else if (!KeepsStored(value) && (value!.Length > 4_000 || value.Any(c => c is '\r' or '\n' or '\0'))) v.Add($"{field}.{name}", "must be a string of at most 4000 characters on one line.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    internal static partial Regex NamePattern();

    // RFC 9110 token characters.
    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$")]
    private static partial Regex HeaderNamePattern();
}
