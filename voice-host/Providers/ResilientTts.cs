using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>The agent's TTS with retries and a breaker, falling back to the agent's fallback TTS.</summary>
public sealed class ResilientTts(ProviderResilience resilience, ILogger log, params (ITtsProvider Provider, TtsConfig Config)[] chain) : ITtsProvider, IServingProvider
{
    private volatile string? _serving;

    public string Name => chain[0].Provider.Name;

    public string Serving => _serving ?? Name;

    public IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, CancellationToken ct) =>
        Failover.StreamAsync(resilience, log, "tts", chain.Select(c => (c.Provider.Name, (object)c.Provider, (Func<CancellationToken, IAsyncEnumerable<AudioChunk>>)(t => c.Provider.SynthesizeAsync(text, c.Config, language, t)))), n => _serving = n, ct);
}
