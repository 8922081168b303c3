using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost.Metrics;

/// <summary>
/// Counts what one call uses as it goes, from several processors at once: the audio sent to STT, the tokens each LLM
/// request reported, the characters sent to TTS. <see cref="Snapshot"/> adds the call's minutes on its transport.
/// </summary>
public sealed class CallUsageMeter
{
    private readonly Lock _gate = new();
    private readonly CallUsage _usage = new();

    public void SttAudio(string provider, TimeSpan audio) => Add("stt_audio_seconds", provider, audio.TotalSeconds);

    public void LlmTokens(LlmUsage usage)
    {
        lock (_gate)
        {
            _usage.Add("llm_tokens_in", usage.Provider, usage.InputTokens);
            _usage.Add("llm_tokens_out", usage.Provider, usage.OutputTokens);
        }
    }

    public void TtsCharacters(string provider, int characters) => Add("tts_characters", provider, characters);

    /// <summary>The call's usage so far, with <paramref name="duration"/> as its minutes on <paramref name="transport"/>.</summary>
    public CallUsage Snapshot(string transport, TimeSpan duration)
    {
        var copy = new CallUsage();
        lock (_gate) copy.Add(_usage);
        copy.Add("call_minutes", transport, duration.TotalMinutes);
        return copy;
    }

    private void Add(string field, string key, double value)
    {
        if (value <= 0) return;
        lock (_gate) _usage.Add(field, key, value);
    }
}
