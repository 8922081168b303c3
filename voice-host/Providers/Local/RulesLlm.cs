using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Templates;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// The offline default: a deterministic, rule-based responder. It is NOT a language model. Each agent rule has a
/// <c>match</c> (words that must all appear in the user's last message, case-insensitive, or a regular expression
/// written as <c>/pattern/</c>) or a <c>match_regex</c> (whose named groups become <c>match.&lt;name&gt;</c>), and a
/// <c>reply</c>; the first matching rule answers, and a rule with <c>hang_up</c> ends the call after its reply. A
/// rule with <c>call</c> first calls that tool, with argument values rendered as Liquid over <c>match</c> and the
/// call's variables, and answers once the tool's message is in, its reply rendered with <c>tool.result</c> too.
/// When no rule matches it says the agent's <c>fallback_line</c>, or a default line, so an agent without rules
/// still replies. A rule with <c>reply_from_knowledge</c> says the most relevant sentence or two of the agent's
/// knowledge bases' best chunk for the caller's words instead of a reply. Keys the caller pressed (<c>[keypad] 123</c>) answer the first rule whose <c>dtmf</c> is those
/// digits, or <c>*</c>, and only those rules; its reply may say them (<c>{{ match.digits }}</c>). The reply streams
/// word by word like a real model.
/// </summary>
public sealed class RulesLlm : ILlmProvider, IDescribedProvider
{
    public const string DefaultFallback = "Sorry, I can only help with a few things. Could you say that another way?";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<RulesLlm>
    {
        Info = new("rules", "Rule-based responder (offline, deterministic; not a language model)", Offline: true, []),
        Order = 40,
    };

    public string Name => Descriptor.Name;

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var lastUser = LastIndex(request.Messages, ChatMessage.User);
        var last = lastUser < 0 ? "" : request.Messages[lastUser].Content;
        var (rule, match) = Find(request.Agent.Rules, last);
        var model = request.TemplateModel.DeepClone().AsObject();
        model["match"] = match;
        var timeZone = CallBuiltIns.TimeZone(request.Agent.TimeZone);
        if (rule?.Call is { } call)
        {
            // This turn's answer from the rule's tool, if the tool ran already.
            var answer = request.Messages.Skip(lastUser + 1).LastOrDefault(m => m.Role == ChatMessage.Tool && m.ToolName == call.Tool);
            if (answer is null && request.Tools.Any(t => t.Name == call.Tool))
            {
                var arguments = new JsonObject();
                foreach (var (name, template) in call.Arguments) arguments[name] = LiquidTemplates.Render(template, model, timeZone);
                Report(request, arguments.ToJsonString().Length);
                yield return new LlmDelta("") { ToolCall = new ToolCallRequest("rules_" + Guid.NewGuid().ToString("N"), call.Tool, arguments.ToJsonString()) };
                yield break;
            }
            model["tool"] = new JsonObject { ["result"] = answer is null ? null : Parse(answer.Content) };
        }
        var reply = rule switch
        {
            null => request.Agent.FallbackLine ?? DefaultFallback,
            { ReplyFromKnowledge: true } => await FromKnowledgeAsync(request, last, ct),
            _ => LiquidTemplates.Render(rule.Reply, model, timeZone),
        };
        var words = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Report(request, string.Join(' ', words).Length);
        for (var i = 0; i < words.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            yield return new LlmDelta(i == 0 ? words[i] : " " + words[i]);
            await Task.Yield();
        }
        if (rule?.HangUp == true) yield return new LlmDelta("", EndCall: true);
    }

    /// <summary>The most relevant sentence or two of the knowledge bases' best chunk; the fallback line when none matches.</summary>
    private static async Task<string> FromKnowledgeAsync(LlmRequest request, string question, CancellationToken ct)
    {
        var hits = request.SearchKnowledge is { } search ? await search(question, 1, ct) : [];
        var answer = hits.Count == 0 ? "" : KnowledgeAnswer.From(question, hits[0].Chunk.Text);
        return answer.Length > 0 ? answer : request.Agent.FallbackLine ?? DefaultFallback;
    }

    /// <summary>
    /// The responder has no tokenizer and costs nothing, but a tenant comparing it with a model wants a comparable
    /// figure: the conversation and the reply counted at about four characters a token, reported as an estimate.
    /// </summary>
    private void Report(LlmRequest request, int replyCharacters)
    {
        if (request.ReportUsage is not { } report) return;
        var prompt = request.Messages.Sum(m => m.Content.Length);
        report(new LlmUsage(Name, LlmUsage.EstimateTokens(prompt), LlmUsage.EstimateTokens(replyCharacters), Estimated: true));
    }

    /// <summary>The first rule that matches <paramref name="text"/>, with its regex's named groups.</summary>
    private static (AgentRule? Rule, JsonObject Match) Find(IEnumerable<AgentRule> rules, string text)
    {
        // Keys pressed answer the rules with a dtmf, and only those; what was said, the others.
        if (KeypadInput.TryRead(text, out var digits))
        {
            var keyed = rules.FirstOrDefault(r => r.Dtmf is { } d && (d == "*" || d == digits));
            return (keyed, keyed is null ? new JsonObject() : new JsonObject { ["digits"] = digits });
        }
        foreach (var rule in rules)
        {
            if (rule.MatchRegex is { Length: > 0 } pattern)
            {
                if (Captures(pattern, text) is { } groups) return (rule, groups);
            }
            else if (rule.Match is not null && Matches(rule.Match, text))
            {
                return (rule, new JsonObject());
            }
        }
        return (null, new JsonObject());
    }

    public static bool Matches(string match, string text)
    {
        if (string.IsNullOrWhiteSpace(match)) return false;
        if (match.Length > 2 && match.StartsWith('/') && match.EndsWith('/')) return Captures(match[1..^1], text) is not null;
        var words = Words(text);
        return Words(match).All(words.Contains);
    }

    /// <summary>The named groups of <paramref name="pattern"/>'s first match in <paramref name="text"/>, or null when it does not match (or is not a valid pattern).</summary>
    private static JsonObject? Captures(string pattern, string text)
    {
        try
        {
            var regex = new Regex(pattern, Options, RegexTimeout);
            var found = regex.Match(text);
            if (!found.Success) return null;
            var groups = new JsonObject();
            foreach (var name in regex.GetGroupNames().Where(n => !int.TryParse(n, out _)))
            {
                if (found.Groups[name].Success) groups[name] = found.Groups[name].Value;
            }
            return groups;
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static int LastIndex(IReadOnlyList<ChatMessage> messages, string role)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == role) return i;
        }
        return -1;
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static HashSet<string> Words(string text) =>
        Regex.Split(text.ToLowerInvariant(), @"[^\p{L}\p{N}']+").Where(w => w.Length > 0).ToHashSet();
}
