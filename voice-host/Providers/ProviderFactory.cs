using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// Finds the STT, LLM and TTS providers an agent names (keyed singletons) and wraps each in retries, a circuit
/// breaker per provider and the agent's fallback provider, if it has one.
/// </summary>
public sealed class ProviderFactory(IServiceProvider services, ProviderResilience resilience, ILoggerFactory logs)
{
    private readonly ILogger _log = logs.CreateLogger("VoiceAgents.Providers");

    public ISttProvider Stt(Agent agent)
    {
        var chain = new List<(ISttProvider, SttConfig)> { (Resolve<ISttProvider>(agent.Stt.Provider, "stt"), agent.Stt) };
        if (agent.Stt.FallbackProvider is { } f && Find<ISttProvider>(f) is { } fallback)
        {
            chain.Add((fallback, new SttConfig { Provider = f, Language = agent.Stt.Language }));
        }
        return new ResilientStt(resilience, _log, [.. chain]);
    }

    public ILlmProvider Llm(Agent agent)
    {
        var chain = new List<(ILlmProvider, LlmConfig)> { (Resolve<ILlmProvider>(agent.Llm.Provider, "llm"), agent.Llm) };
        if (agent.Llm.FallbackProvider is { } f && Find<ILlmProvider>(f) is { } fallback)
        {
            chain.Add((fallback, new LlmConfig { Provider = f, Model = agent.Llm.FallbackModel, Temperature = agent.Llm.Temperature }));
        }
        return new ResilientLlm(resilience, _log, [.. chain]);
    }

    public ITtsProvider Tts(Agent agent)
    {
        var chain = new List<(ITtsProvider, TtsConfig)> { (Resolve<ITtsProvider>(agent.Tts.Provider, "tts"), agent.Tts) };
        if (agent.Tts.FallbackProvider is { } f && Find<ITtsProvider>(f) is { } fallback)
        {
            chain.Add((fallback, new TtsConfig { Provider = f, Voice = agent.Tts.FallbackVoice, Speed = agent.Tts.Speed }));
        }
        return new ResilientTts(resilience, _log, [.. chain]);
    }

    private T? Find<T>(string name) where T : class => services.GetKeyedService<T>(name);

    /// <summary>A provider this voice-host has no settings for behaves as one that is down: fallback, or apology.</summary>
    private T Resolve<T>(string name, string kind) where T : class =>
        Find<T>(name) ?? (T)(object)new Unconfigured(name, kind);

    private sealed class Unconfigured(string name, string kind) : ISttProvider, ILlmProvider, ITtsProvider
    {
        public string Name => name;

        private ProviderException Error() => new(name, $"no {kind} provider named '{name}' is configured on this voice-host");

        public ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct) => throw Error();

        public IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, CancellationToken ct) => throw Error();

        public IAsyncEnumerable<Audio.AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, CancellationToken ct) => throw Error();
    }
}
