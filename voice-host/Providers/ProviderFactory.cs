using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Finds the STT, LLM and TTS providers an agent names. Providers are registered as keyed singletons.</summary>
public sealed class ProviderFactory(IServiceProvider services)
{
    public ISttProvider Stt(Agent agent) => Resolve<ISttProvider>(agent.Stt.Provider, "stt");
    public ILlmProvider Llm(Agent agent) => Resolve<ILlmProvider>(agent.Llm.Provider, "llm");
    public ITtsProvider Tts(Agent agent) => Resolve<ITtsProvider>(agent.Tts.Provider, "tts");

    private T Resolve<T>(string name, string kind) where T : notnull =>
        services.GetKeyedService<T>(name) ?? throw new ProviderException(name, $"no {kind} provider named '{name}' is configured on this voice-host");
}
