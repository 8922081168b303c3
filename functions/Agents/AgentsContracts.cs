using VoiceAgents.Core.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Analysis;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.Agents;

public sealed record LlmConfigDto(string? Provider, string? Model, double? Temperature, string? FallbackProvider = null, string? FallbackModel = null);

public sealed record SttConfigDto(string? Provider, string? Language, string? FallbackProvider = null);

public sealed record TtsConfigDto(string? Provider, string? Voice, double? Speed, string? FallbackProvider = null, string? FallbackVoice = null);

/// <summary>
/// A rule of the offline <c>rules</c> LLM: exactly one of <c>match</c> (words, <c>/regex/</c> or <c>*</c>),
/// <c>match_regex</c> (a .NET regular expression whose named groups become <c>match.&lt;name&gt;</c>) and <c>dtmf</c>
/// (keypad digits, or <c>*</c> for any); then an optional tool <c>call</c>, then the <c>reply</c> (a Liquid template
/// that may read <c>tool.result</c>).
/// </summary>
/// <c>reply_from_knowledge: true</c> in place of <c>reply</c> speaks the most relevant sentence or two of the agent's knowledge bases' best chunk.
public sealed record AgentRuleDto(string? Match, string? Reply, bool? HangUp, string? MatchRegex = null, string? Dtmf = null, RuleToolCallDto? Call = null, bool? ReplyFromKnowledge = null);

/// <summary>A rule's tool call: a tool of the agent or a built-in, with arguments whose values are Liquid templates.</summary>
public sealed record RuleToolCallDto(string? Tool, [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Arguments);

/// <summary>
/// A tool of the agent. <c>http</c>: <c>url</c> receives the arguments (signed with the tool's secret, as webhooks
/// are) and answers the result; <c>parameters</c> is the arguments' JSON Schema (an object schema); <c>method</c>
/// defaults to POST, <c>timeout_ms</c> to 5000 (at most 30000). <c>mcp</c>: every tool of the Model Context Protocol
/// server at <c>url</c> (streamable HTTP), sent <c>headers</c>. <c>secret</c> (http) is write-only: left out, a new
/// tool gets a generated one, returned once, and a tool kept by name keeps its own.
/// </summary>
public sealed record AgentToolDto(
    string? Type,
    string? Name,
    string? Description,
    JsonElement? Parameters,
    string? Url,
    string? Method,
    int? TimeoutMs,
    string? SpeakWhileRunning,
    [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Headers = null,
    string? Secret = null,
    bool? CancelOnBargeIn = null);

/// <summary>
/// A tool as the API shows it. <c>secret</c> is present only in the answer that generated it, and never again; an MCP
/// tool's <c>headers</c> are shown by name with every value masked (<see cref="HeaderMask"/>): they are write-only.
/// </summary>
public sealed record AgentToolResponse(
    string Type, string Name, string? Description, JsonNode? Parameters, string Url, string? Method, int? TimeoutMs,
    string? SpeakWhileRunning, [property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Headers, string? Secret,
    bool CancelOnBargeIn)
{
    /// <summary>What a stored header value reads as; sent back in an update (as null or "" are) it keeps the stored value.</summary>
    public const string HeaderMask = "********";

    public static AgentToolResponse From(AgentTool t, bool withSecret) => t.Type == AgentToolTypes.Http
        ? new(t.Type, t.Name, t.Description, t.ParametersJson is null ? null : JsonNode.Parse(t.ParametersJson), t.Url, t.Method, t.TimeoutMs,
            t.SpeakWhileRunning, null, withSecret ? t.Secret : null, t.CancelOnBargeIn)
        : new(t.Type, t.Name, t.Description, null, t.Url, null, t.TimeoutMs, t.SpeakWhileRunning,
            t.Headers.ToDictionary(h => h.Key, _ => (string?)HeaderMask), null, t.CancelOnBargeIn);
}

/// <summary>Where <c>transfer_call</c> may hand a phone caller: a unique name, an E.164 number, and the hand-off line.</summary>
public sealed record TransferDestinationDto(string? Name, string? PhoneNumber, string? Description, string? Message);

/// <summary>Caller silence: reprompt after <c>reprompt_after_s</c> without speech, hang up after <c>hangup_after_s</c>.</summary>
public sealed record SilenceDto(int? RepromptAfterS, string? RepromptMessage, int? HangupAfterS);

/// <summary>
/// When the caller's speech stops the agent: <c>min_words</c> and <c>min_duration_ms</c> of speech, <c>backchannels</c>
/// that never interrupt (null: the platform's list; empty: none), and <c>resume_after_ms</c> after a wordless
/// interruption's turn before the cut sentence resumes (0: never).
/// </summary>
public sealed record InterruptionDto(int? MinWords, int? MinDurationMs, IReadOnlyList<string?>? Backchannels, int? ResumeAfterMs);

/// <summary>
/// When the caller's turn ends: <c>mode</c> <c>fixed</c> (the default) waits <c>wait_ms</c> of silence (500 to 3,000;
/// null: the platform's 800); <c>adaptive</c> reads the interim transcript and waits <c>short_wait_ms</c> (default 300)
/// when it reads as complete, <c>long_wait_ms</c> (default 1,500) when it ends on one of <c>hold_words</c> (null: the
/// agent's language's list of hesitations, conjunctions, articles and numbers), and <c>wait_ms</c> with no interim transcript.
/// </summary>
public sealed record TurnDto(string? Mode, int? WaitMs, int? ShortWaitMs, int? LongWaitMs, IReadOnlyList<string?>? HoldWords);

/// <summary>Renders an agent's templates: the stored agent's (<c>POST /agents/{id}/preview</c>) or a draft's (<c>POST /agents/preview</c>).</summary>
public sealed record AgentPreviewRequest([property: JsonConverter(typeof(VerbatimKeysConverter))] IReadOnlyDictionary<string, string?>? Variables, string? PhoneNumber = null, AgentRequest? Agent = null);

/// <summary>The system prompt and first message as a call with the sample variables and the built-ins would see them.</summary>
public sealed record AgentPreviewResponse(string SystemPrompt, string? FirstMessage, JsonObject Variables);

/// <summary>Phone calls and answering machines: detect them, then hang up or leave <c>message</c>.</summary>
public sealed record VoicemailDto(bool? MachineDetection, string? Action, string? Message);

/// <summary>The body of <c>POST /agents</c> and <c>PUT /agents/{id}</c>; PUT replaces the whole agent.</summary>
public sealed record AgentRequest(
    string? Name,
    string? SystemPrompt,
    string? FirstMessage,
    string? Language,
    LlmConfigDto? Llm,
    SttConfigDto? Stt,
    TtsConfigDto? Tts,
    IReadOnlyList<AgentRuleDto>? Rules,
    string? FallbackLine,
    VoicemailDto? Voicemail = null,
    IReadOnlyList<AgentToolDto?>? Tools = null,
    IReadOnlyList<TransferDestinationDto?>? TransferDestinations = null,
    SilenceDto? Silence = null,
    int? MaxDurationS = null,
    string? MaxDurationMessage = null,
    string? TimeZone = null,
    InterruptionDto? Interruption = null,
    AgentAnalysisDto? Analysis = null,
    IReadOnlyList<AgentKnowledgeBaseDto?>? KnowledgeBases = null,
    TurnDto? Turn = null);

public sealed record AgentResponse(
    string Id,
    string Name,
    string SystemPrompt,
    string? FirstMessage,
    string Language,
    LlmConfigDto Llm,
    SttConfigDto Stt,
    TtsConfigDto Tts,
    IReadOnlyList<AgentRuleDto> Rules,
    string? FallbackLine,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    VoicemailDto? Voicemail,
    IReadOnlyList<AgentToolResponse> Tools,
    IReadOnlyList<TransferDestinationDto> TransferDestinations,
    SilenceDto? Silence,
    int? MaxDurationS,
    string? MaxDurationMessage,
    string? TimeZone,
    InterruptionDto? Interruption,
    IReadOnlyList<AgentKnowledgeBaseDto> KnowledgeBases,
    AgentAnalysisDto? Analysis = null,
    TurnDto? Turn = null)
{
    /// <summary>The agent as the API shows it; the secrets of <paramref name="newSecrets"/> (tool names) are shown, once.</summary>
    public static AgentResponse From(Agent a, IReadOnlySet<string>? newSecrets = null) => new(
        a.Id, a.Name, a.SystemPrompt, a.FirstMessage, a.Language,
        new LlmConfigDto(a.Llm.Provider, a.Llm.Model, a.Llm.Temperature, a.Llm.FallbackProvider, a.Llm.FallbackModel),
        new SttConfigDto(a.Stt.Provider, a.Stt.Language, a.Stt.FallbackProvider),
        new TtsConfigDto(a.Tts.Provider, a.Tts.Voice, a.Tts.Speed, a.Tts.FallbackProvider, a.Tts.FallbackVoice),
        a.Rules.Select(r => new AgentRuleDto(r.Match, r.ReplyFromKnowledge ? null : r.Reply, r.HangUp, r.MatchRegex, r.Dtmf,
            r.Call is { } call ? new RuleToolCallDto(call.Tool, call.Arguments.ToDictionary(x => x.Key, x => (string?)x.Value)) : null,
            r.ReplyFromKnowledge ? true : null)).ToList(),
        a.FallbackLine, a.CreatedAt, a.UpdatedAt,
        a.Voicemail is { } vm ? new VoicemailDto(vm.MachineDetection, vm.Action, vm.Message) : null,
        a.Tools.Select(t => AgentToolResponse.From(t, newSecrets?.Contains(t.Name) == true)).ToList(),
        a.TransferDestinations.Select(d => new TransferDestinationDto(d.Name, d.PhoneNumber, d.Description, d.Message)).ToList(),
        a.Silence is { } s ? new SilenceDto(s.RepromptAfterS, s.RepromptMessage, s.HangupAfterS) : null,
        a.MaxDurationS, a.MaxDurationMessage, a.TimeZone,
        a.Interruption is { } i ? new InterruptionDto(i.MinWords, i.MinDurationMs, i.Backchannels, i.ResumeAfterMs) : null,
        a.KnowledgeBases.Select(k => new AgentKnowledgeBaseDto(k.Id, k.Mode)).ToList(),
        AgentAnalysisDto.From(a.Analysis),
        a.Turn is { } turn ? new TurnDto(turn.Mode, turn.WaitMs, turn.ShortWaitMs, turn.LongWaitMs, turn.HoldWords) : null);
}
