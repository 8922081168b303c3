using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Agents;

public sealed record LlmConfigDto(string? Provider, string? Model, double? Temperature, string? FallbackProvider = null, string? FallbackModel = null);

public sealed record SttConfigDto(string? Provider, string? Language, string? FallbackProvider = null);

public sealed record TtsConfigDto(string? Provider, string? Voice, double? Speed, string? FallbackProvider = null, string? FallbackVoice = null);

public sealed record AgentRuleDto(string? Match, string? Reply, bool? HangUp);

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
    VoicemailDto? Voicemail = null);

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
    VoicemailDto? Voicemail)
{
    public static AgentResponse From(Agent a) => new(
        a.Id, a.Name, a.SystemPrompt, a.FirstMessage, a.Language,
        new LlmConfigDto(a.Llm.Provider, a.Llm.Model, a.Llm.Temperature, a.Llm.FallbackProvider, a.Llm.FallbackModel),
        new SttConfigDto(a.Stt.Provider, a.Stt.Language, a.Stt.FallbackProvider),
        new TtsConfigDto(a.Tts.Provider, a.Tts.Voice, a.Tts.Speed, a.Tts.FallbackProvider, a.Tts.FallbackVoice),
        a.Rules.Select(r => new AgentRuleDto(r.Match, r.Reply, r.HangUp)).ToList(),
        a.FallbackLine, a.CreatedAt, a.UpdatedAt,
        a.Voicemail is { } vm ? new VoicemailDto(vm.MachineDetection, vm.Action, vm.Message) : null);
}
