using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VoiceAgents.Core.Templates;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// The offline default: a deterministic, rule-based responder. It is NOT a language model. Each agent rule has a
/// <c>match</c> (words that must all appear in the user's last message, case-insensitive, or a regular expression
/// written as <c>/pattern/</c>) and a <c>reply</c>; the first matching rule answers, and a rule with
/// <c>hang_up</c> ends the call after its reply. When no rule matches it says the agent's <c>fallback_line</c>, or a
/// default line, so an agent without rules still replies. Keys the caller pressed (<c>[keypad] 123</c>) answer the
/// first rule whose <c>dtmf</c> is those digits, or <c>*</c>; its reply may say them (<c>{{ match.digits }}</c>).
/// The reply streams word by word like a real model.
/// </summary>
public sealed class RulesLlm : ILlmProvider, IDescribedProvider
{
    public const string DefaultFallback = "Sorry, I can only help with a few things. Could you say that another way?";

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<RulesLlm>
    {
        Info = new("rules", "Rule-based responder (offline, deterministic; not a language model)", Offline: true, []),
        Order = 40,
    };

    public string Name => Descriptor.Name;

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var last = request.Messages.LastOrDefault(m => m.Role == ChatMessage.User)?.Content ?? "";
        // Keys pressed answer the rules with a dtmf, and only those; what was said, the others.
        var keypad = KeypadInput.TryRead(last, out var digits);
        var rule = keypad
            ? request.Agent.Rules.FirstOrDefault(r => r.Dtmf is { } d && (d == "*" || d == digits))
            : request.Agent.Rules.FirstOrDefault(r => r.Match is not null && Matches(r.Match, last));
        var reply = rule?.Reply ?? request.Agent.FallbackLine ?? DefaultFallback;
        if (keypad && rule is not null) reply = LiquidTemplates.Render(reply, new JsonObject { ["match"] = new JsonObject { ["digits"] = digits } });
        var words = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            yield return new LlmDelta(i == 0 ? words[i] : " " + words[i]);
            await Task.Yield();
        }
        if (rule?.HangUp == true) yield return new LlmDelta("", EndCall: true);
    }

    public static bool Matches(string match, string text)
    {
        if (string.IsNullOrWhiteSpace(match)) return false;
        if (match.Length > 2 && match.StartsWith('/') && match.EndsWith('/'))
        {
            try
            {
                return Regex.IsMatch(text, match[1..^1], RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
            {
                return false;
            }
        }
        var words = Words(text);
        return Words(match).All(words.Contains);
    }

    private static HashSet<string> Words(string text) =>
        Regex.Split(text.ToLowerInvariant(), @"[^\p{L}\p{N}']+").Where(w => w.Length > 0).ToHashSet();
}
