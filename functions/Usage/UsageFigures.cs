using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Usage;

/// <summary>
/// Calls and what they used: STT audio seconds, LLM tokens in and out and TTS characters by provider, call minutes
/// by transport. The <c>rules</c> responder's tokens are an estimate (characters / 4).
/// </summary>
public record UsageFigures
{
    public long Calls { get; init; }
    public IReadOnlyDictionary<string, double> SttAudioSeconds { get; init; } = new Dictionary<string, double>();
    public IReadOnlyDictionary<string, long> LlmTokensIn { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> LlmTokensOut { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> TtsCharacters { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, double> CallMinutes { get; init; } = new Dictionary<string, double>();

    public static UsageFigures Of(long calls, CallUsage usage)
    {
        var u = usage.Sanitized();
        return new UsageFigures
        {
            Calls = calls,
            SttAudioSeconds = u.SttAudioSeconds,
            LlmTokensIn = u.LlmTokensIn,
            LlmTokensOut = u.LlmTokensOut,
            TtsCharacters = u.TtsCharacters,
            CallMinutes = u.CallMinutes,
        };
    }
}
