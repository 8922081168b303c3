using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// Finds the STT, LLM and TTS providers an agent names (keyed singletons, or instances on the tenant's own key) and
/// wraps each in retries, a circuit breaker per provider (and per tenant key) and the agent's fallback provider, if it has one.
/// </summary>
public sealed class ProviderFactory(IServiceProvider services, ProviderResilience resilience, ILoggerFactory logs)
{
    private readonly ILogger _log = logs.CreateLogger("VoiceAgents.Providers");

    /// <param name="keys">The tenant's own keys by provider name: a provider named here is a new instance on that key.</param>
    /// <param name="created">Collects the instances made for this call, which the call disposes when it ends.</param>
    public ISttProvider Stt(Agent agent, IReadOnlyDictionary<string, ProviderKey>? keys = null, ICollection<object>? created = null)
    {
        var chain = new List<(ISttProvider, SttConfig)> { (Resolve<ISttProvider>(agent.Stt.Provider, "stt", keys, created), agent.Stt) };
        if (agent.Stt.FallbackProvider is { } f && Find<ISttProvider>(f, ProviderKind.Stt, keys, created) is { } fallback)
        {
            chain.Add((fallback, new SttConfig { Provider = f, Language = agent.Stt.Language }));
        }
        return new ResilientStt(resilience, _log, [.. chain]);
    }

    /// <inheritdoc cref="Stt"/>
    public ILlmProvider Llm(Agent agent, IReadOnlyDictionary<string, ProviderKey>? keys = null, ICollection<object>? created = null)
    {
        var chain = new List<(ILlmProvider, LlmConfig)> { (Resolve<ILlmProvider>(agent.Llm.Provider, "llm", keys, created), agent.Llm) };
        if (agent.Llm.FallbackProvider is { } f && Find<ILlmProvider>(f, ProviderKind.Llm, keys, created) is { } fallback)
        {
            chain.Add((fallback, new LlmConfig { Provider = f, Model = agent.Llm.FallbackModel, Temperature = agent.Llm.Temperature }));
        }
        return new ResilientLlm(resilience, _log, [.. chain]);
    }

    /// <inheritdoc cref="Stt"/>
    public ITtsProvider Tts(Agent agent, IReadOnlyDictionary<string, ProviderKey>? keys = null, ICollection<object>? created = null)
    {
        var chain = new List<(ITtsProvider, TtsConfig)> { (Resolve<ITtsProvider>(agent.Tts.Provider, "tts", keys, created), agent.Tts) };
        if (agent.Tts.FallbackProvider is { } f && Find<ITtsProvider>(f, ProviderKind.Tts, keys, created) is { } fallback)
        {
            chain.Add((fallback, new TtsConfig { Provider = f, Voice = agent.Tts.FallbackVoice, Speed = agent.Tts.Speed }));
        }
        return new ResilientTts(resilience, _log, [.. chain]);
    }

    private T? Find<T>(string name, ProviderKind kind, IReadOnlyDictionary<string, ProviderKey>? keys, ICollection<object>? created) where T : class
    {
        if (keys is not null && keys.TryGetValue(name, out var key)
            && ProviderDescriptors.Of(kind).FirstOrDefault(d => d.Name == name)?.CreateWithKey(services, key) is T own)
        {
            resilience.ScopeToKey(own, key);
            created?.Add(own);
            return own;
        }
        return services.GetKeyedService<T>(name);
    }

    /// <summary>A provider this voice-host has no settings for behaves as one that is down: fallback, or apology.</summary>
    private T Resolve<T>(string name, string kind, IReadOnlyDictionary<string, ProviderKey>? keys, ICollection<object>? created) where T : class =>
        Find<T>(name, Enum.Parse<ProviderKind>(kind, ignoreCase: true), keys, created) ?? (T)(object)new Unconfigured(name, kind);

    private sealed class Unconfigured(string name, string kind) : ISttProvider, ILlmProvider, ITtsProvider
    {
        public string Name => name;

        private ProviderException Error() => new(name, $"no {kind} provider named '{name}' is configured on this voice-host");

        public ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct) => throw Error();

        public IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, CancellationToken ct) => throw Error();

        public IAsyncEnumerable<Audio.AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, CancellationToken ct) => throw Error();
    }
}
