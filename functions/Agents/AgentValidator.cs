using System.Text.RegularExpressions;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Net;
using VoiceAgents.Core.Providers;
using VoiceAgents.Core.Templates;
using VoiceAgents.Functions.Analysis;

namespace VoiceAgents.Functions.Agents;

/// <summary>Validates an agent against the provider registry and maps it onto the stored document.</summary>
public static partial class AgentValidator
{
    /// <summary>A new agent of the user from a valid request, with the names of the tools whose secrets it generated; an invalid one throws, naming every bad field.</summary>
    public static async Task<(Agent Agent, IReadOnlySet<string> NewSecrets)> CreateAsync(
        AgentRequest r, string tenantId, string userId, DateTime now, SsrfGuard targets, CancellationToken ct)
    {
        var stt = await ValidateAsync(r, targets, ct);
        var agent = new Agent { Id = Ids.New(), TenantId = tenantId, UserId = userId, Name = r.Name!.Trim(), CreatedAt = now, UpdatedAt = now };
        return (agent, Map(r, stt, agent));
    }

    /// <summary>Replaces the agent's settings with a valid request's (a tool kept by name keeps its secret); an invalid one throws, naming every bad field.</summary>
    public static async Task<IReadOnlySet<string>> ApplyAsync(AgentRequest r, Agent agent, SsrfGuard targets, CancellationToken ct) =>
        Map(r, await ValidateAsync(r, targets, ct), agent);

    /// <summary>Checks a draft agent without storing it (the preview of a new agent).</summary>
    public static Task ValidateDraftAsync(AgentRequest r, SsrfGuard targets, CancellationToken ct) => ValidateAsync(r, targets, ct);

    /// <summary>Throws for an invalid request; otherwise returns its speech-to-text provider, whose options it stores canonical.</summary>
    private static async Task<ProviderInfo?> ValidateAsync(AgentRequest r, SsrfGuard targets, CancellationToken ct)
    {
        var v = new Validation();
        v.Required("name", r.Name, 100);
        v.MaxLength("system_prompt", r.SystemPrompt, 20_000);
        v.MaxLength("first_message", r.FirstMessage, 2_000);
        Template(v, "system_prompt", r.SystemPrompt);
        Template(v, "first_message", r.FirstMessage);
        v.MaxLength("fallback_line", r.FallbackLine, 2_000);
        if (r.Voicemail is { } vm)
        {
            v.OneOf("voicemail.action", vm.Action ?? VoicemailActions.HangUp, VoicemailActions.All);
            v.MaxLength("voicemail.message", vm.Message, 1_000);
            if (vm.Action == VoicemailActions.LeaveMessage && string.IsNullOrWhiteSpace(vm.Message)) v.Add("voicemail.message", "is required to leave a message.");
        }
        if (r.Language is not null && !LanguagePattern().IsMatch(r.Language)) v.Add("language", "must be a BCP-47 language tag such as en-US.");
        ProviderInfo? stt = null;

        if (v.Required("llm", r.Llm))
        {
            var llm = Provider(v, "llm", ProviderRegistry.Llm, r.Llm!.Provider);
            v.MaxLength("llm.model", r.Llm.Model, 200);
            if (llm is not null && llm.Name != "rules" && string.IsNullOrWhiteSpace(r.Llm.Model)) v.Add("llm.model", "is required for this provider.");
            v.Range("llm.temperature", r.Llm.Temperature, 0, llm?.Name == "anthropic" ? 1 : 2);
            Fallback(v, "llm", ProviderRegistry.Llm, r.Llm.Provider, r.Llm.FallbackProvider);
            v.MaxLength("llm.fallback_model", r.Llm.FallbackModel, 200);
        }
        if (v.Required("stt", r.Stt))
        {
            stt = Provider(v, "stt", ProviderRegistry.Stt, r.Stt!.Provider);
            Closed(v, "stt.language", stt, "language", r.Stt.Language);
            Fallback(v, "stt", ProviderRegistry.Stt, r.Stt.Provider, r.Stt.FallbackProvider);
        }
        if (v.Required("tts", r.Tts))
        {
            var tts = Provider(v, "tts", ProviderRegistry.Tts, r.Tts!.Provider);
            v.MaxLength("tts.voice", r.Tts.Voice, 200);
            Closed(v, "tts.voice", tts, "voice", r.Tts.Voice);
            v.Range("tts.speed", r.Tts.Speed, 0.5, 2);
            var fallback = Fallback(v, "tts", ProviderRegistry.Tts, r.Tts.Provider, r.Tts.FallbackProvider);
            v.MaxLength("tts.fallback_voice", r.Tts.FallbackVoice, 200);
            Closed(v, "tts.fallback_voice", fallback, "voice", r.Tts.FallbackVoice);
        }
        var urls = AgentToolsValidator.Validate(v, r.Tools);
        AgentSettingsValidator.Validate(v, r);
        AgentAnalysisValidator.Validate(v, r.Analysis);
        AgentRulesValidator.Validate(v, r.Rules, AgentRulesValidator.CallableTools(r));
        AgentKnowledgeBasesValidator.Validate(v, r.KnowledgeBases);
        // Resolving a host costs a DNS lookup: only for an otherwise valid agent.
        if (v.IsValid)
        {
            foreach (var (field, url) in urls)
            {
                if (await targets.RefusalAsync(url, ct) is { } refusal) v.Add(field, refusal);
            }
        }
        v.ThrowIfInvalid();
        return stt;
    }

    /// <summary>Refuses a Liquid template that does not parse, naming where (Fluid's line and column).</summary>
    internal static void Template(Validation v, string field, string? source)
    {
        if (LiquidTemplates.ParseError(source) is { } error) v.Add(field, $"is not a valid Liquid template: {error}");
    }

    private static IReadOnlySet<string> Map(AgentRequest r, ProviderInfo? stt, Agent agent)
    {
        agent.Name = r.Name!.Trim();
        agent.SystemPrompt = r.SystemPrompt ?? "";
        agent.FirstMessage = string.IsNullOrWhiteSpace(r.FirstMessage) ? null : r.FirstMessage;
        // A bare language is stored as the speech-to-text provider's default region for it (en → en-US), as is stt.language.
        agent.Language = Canonical(stt, "language", r.Language) ?? "en-US";
        agent.Llm = new LlmConfig
        {
            Provider = r.Llm!.Provider!, Model = r.Llm.Model, Temperature = r.Llm.Temperature,
            FallbackProvider = r.Llm.FallbackProvider, FallbackModel = r.Llm.FallbackModel,
        };
        agent.Stt = new SttConfig { Provider = r.Stt!.Provider!, Language = Canonical(stt, "language", r.Stt.Language) ?? agent.Language, FallbackProvider = r.Stt.FallbackProvider };
        var ttsProvider = ProviderRegistry.Find(ProviderRegistry.Tts, r.Tts!.Provider);
        agent.Tts = new TtsConfig
        {
            Provider = r.Tts.Provider!, Voice = Canonical(ttsProvider, "voice", r.Tts.Voice), Speed = r.Tts.Speed,
            FallbackProvider = r.Tts.FallbackProvider, FallbackVoice = Canonical(ProviderRegistry.Find(ProviderRegistry.Tts, r.Tts.FallbackProvider), "voice", r.Tts.FallbackVoice),
        };
        agent.Rules = (r.Rules ?? []).Select(x => new AgentRule
        {
            Match = Blank(x!.Match), MatchRegex = Blank(x.MatchRegex), Dtmf = Blank(x.Dtmf)?.Trim(), Reply = x.Reply ?? "", ReplyFromKnowledge = x.ReplyFromKnowledge ?? false, HangUp = x.HangUp ?? false,
            Call = x.Call is { } call
                ? new RuleToolCall { Tool = call.Tool!.Trim(), Arguments = (call.Arguments ?? new Dictionary<string, string?>()).ToDictionary(a => a.Key, a => a.Value!) }
                : null,
        }).ToList();
        var newSecrets = AgentToolsValidator.Map(r.Tools, agent);
        agent.TransferDestinations = (r.TransferDestinations ?? []).Select(d => new TransferDestination
        {
            Name = d!.Name!.Trim(), PhoneNumber = d.PhoneNumber!.Trim(), Description = Blank(d.Description), Message = Blank(d.Message),
        }).ToList();
        agent.Silence = r.Silence is { } silence
            ? new SilenceSettings { RepromptAfterS = silence.RepromptAfterS, RepromptMessage = Blank(silence.RepromptMessage), HangupAfterS = silence.HangupAfterS }
            : null;
        agent.Interruption = r.Interruption is { } interruption
            ? new InterruptionSettings
            {
                MinWords = interruption.MinWords, MinDurationMs = interruption.MinDurationMs, ResumeAfterMs = interruption.ResumeAfterMs,
                Backchannels = interruption.Backchannels?.Select(p => p!.Trim()).ToList(),
            }
            : null;
        agent.Turn = r.Turn is { } turn
            ? new TurnSettings
            {
                Mode = turn.Mode?.Trim().ToLowerInvariant(), WaitMs = turn.WaitMs, ShortWaitMs = turn.ShortWaitMs, LongWaitMs = turn.LongWaitMs,
                HoldWords = turn.HoldWords?.Select(w => w!.Trim()).ToList(),
            }
            : null;
        agent.MaxDurationS = r.MaxDurationS;
        agent.MaxDurationMessage = Blank(r.MaxDurationMessage);
        agent.TimeZone = Blank(r.TimeZone)?.Trim();
        agent.Analysis = AgentAnalysisValidator.Map(r.Analysis);
        agent.FallbackLine = string.IsNullOrWhiteSpace(r.FallbackLine) ? null : r.FallbackLine;
        agent.Voicemail = r.Voicemail is { } voicemail
            ? new VoicemailSettings { MachineDetection = voicemail.MachineDetection ?? false, Action = voicemail.Action ?? VoicemailActions.HangUp, Message = voicemail.Message }
            : null;
        agent.KnowledgeBases = AgentKnowledgeBasesValidator.Map(r.KnowledgeBases);
        return newSecrets;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static ProviderInfo? Provider(Validation v, string field, IReadOnlyList<ProviderInfo> kind, string? name)
    {
        if (!v.Required($"{field}.provider", name, 50)) return null;
        var provider = ProviderRegistry.Find(kind, name);
        if (provider is null) v.Add($"{field}.provider", $"must be one of: {string.Join(", ", kind.Select(p => p.Name))}.");
        return provider;
    }

    private static ProviderInfo? Fallback(Validation v, string field, IReadOnlyList<ProviderInfo> kind, string? primary, string? fallback)
    {
        if (fallback is null) return null;
        var provider = ProviderRegistry.Find(kind, fallback);
        if (provider is null) v.Add($"{field}.fallback_provider", $"must be one of: {string.Join(", ", kind.Select(p => p.Name))}.");
        else if (fallback == primary) v.Add($"{field}.fallback_provider", "must differ from the provider.");
        return provider;
    }

    /// <summary>A value of a closed option must name one of its values (a bare language, its default region).</summary>
    private static void Closed(Validation v, string field, ProviderInfo? provider, string option, string? value)
    {
        if (value is null || provider?.Option(option) is not { Closed: true } closed || closed.Canonical(value) is not null) return;
        v.Add(field, $"must be one of: {closed.Accepted()}.");
    }

    /// <summary>The value as the provider lists it (<c>en</c> → <c>en-US</c>), or as given where it lists none.</summary>
    private static string? Canonical(ProviderInfo? provider, string option, string? value) =>
        value is null ? null : provider?.Option(option)?.Canonical(value) ?? value;

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguagePattern();
}
