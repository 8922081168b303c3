using System.Text.RegularExpressions;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Agents;

/// <summary>The rules of the offline <c>rules</c> LLM: what each matches, the tool it calls and its reply template.</summary>
public static partial class AgentRulesValidator
{
    public const int MaxRules = 200;
    public const int MaxArguments = 20;
    /// <summary>How long a rule's regular expression may take on one utterance, here and in the responder.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Names a rule may call: the agent's http tools, its MCP tools by prefix (<c>{name}_</c>: the server lists the
    /// rest when a call starts), <c>end_call</c>, and <c>transfer_call</c> when the agent has destinations.
    /// </summary>
    public static Func<string, bool> CallableTools(AgentRequest r)
    {
        var tools = (r.Tools ?? []).Where(t => t?.Name is not null).ToList();
        var hasDestinations = r.TransferDestinations is { Count: > 0 };
        return name =>
            name == AgentToolTypes.EndCall
            || (name == AgentToolTypes.TransferCall && hasDestinations)
            || tools.Any(t => t!.Type == AgentToolTypes.Http && t.Name == name)
            || tools.Any(t => t!.Type == AgentToolTypes.Mcp && name.Length > t.Name!.Length + 1 && name.StartsWith(t.Name + "_", StringComparison.Ordinal));
    }

    public static void Validate(Validation v, IReadOnlyList<AgentRuleDto?>? rules, Func<string, bool> callable)
    {
        if (rules is null) return;
        if (rules.Count > MaxRules) v.Add("rules", $"must have at most {MaxRules} rules.");
        for (var i = 0; i < rules.Count; i++)
        {
            var f = $"rules[{i}]";
            if (rules[i] is not { } rule)
            {
                v.Add(f, "must be an object.");
                continue;
            }
            var given = new[] { rule.Match, rule.MatchRegex, rule.Dtmf }.Count(x => !string.IsNullOrWhiteSpace(x));
            if (given != 1) v.Add($"{f}.match", "exactly one of match, match_regex and dtmf is required.");
            v.MaxLength($"{f}.match", rule.Match, 500);
            if (v.MaxLength($"{f}.match_regex", rule.MatchRegex, 500) && !string.IsNullOrWhiteSpace(rule.MatchRegex) && RegexProblem(rule.MatchRegex) is { } problem)
            {
                v.Add($"{f}.match_regex", problem);
            }
            if (!string.IsNullOrWhiteSpace(rule.Dtmf) && !DtmfPattern().IsMatch(rule.Dtmf.Trim()))
            {
                v.Add($"{f}.dtmf", "must be keypad digits (0-9, *, #; at most 32) or * for any.");
            }
            if (rule.ReplyFromKnowledge == true)
            {
                if (!string.IsNullOrEmpty(rule.Reply)) v.Add($"{f}.reply", "exactly one of reply and reply_from_knowledge is allowed.");
            }
            else if (v.Required($"{f}.reply", rule.Reply, 2_000)) AgentValidator.Template(v, $"{f}.reply", rule.Reply);
            if (rule.Call is { } call) Call(v, $"{f}.call", call, callable);
        }
    }

    private static void Call(Validation v, string f, RuleToolCallDto call, Func<string, bool> callable)
    {
        if (v.Required($"{f}.tool", call.Tool, 200) && !callable(call.Tool!.Trim()))
        {
            v.Add($"{f}.tool", "must name a tool of the agent or a built-in (end_call; transfer_call with transfer destinations).");
        }
        if (call.Arguments is null) return;
        if (call.Arguments.Count > MaxArguments) v.Add($"{f}.arguments", $"must have at most {MaxArguments} arguments.");
        foreach (var (name, value) in call.Arguments)
        {
            var field = $"{f}.arguments.{name}";
            if (name.Length is 0 or > 64) v.Add(field, "must have a name of 1 to 64 characters.");
            else if (value is null) v.Add(field, "must be a string (a Liquid template).");
            else if (v.MaxLength(field, value, 2_000)) AgentValidator.Template(v, field, value);
        }
    }

    /// <summary>Why the pattern is not a usable .NET regular expression, or null. It is compiled as the responder compiles it.</summary>
    private static string? RegexProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a valid .NET regular expression: {e.Message}";
        }
    }

    [GeneratedRegex(@"^(\*|[0-9*#]{1,32})$")]
    private static partial Regex DtmfPattern();
}
