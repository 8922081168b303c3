using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>The agent's LLM with retries and a breaker, falling back to the agent's fallback LLM.</summary>
public sealed class ResilientLlm(ProviderResilience resilience, ILogger log, params (ILlmProvider Provider, Agent Agent)[] chain) : ILlmProvider
{
    public string Name => chain[0].Provider.Name;

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        Exception? last = null;
        foreach (var (provider, agent) in chain)
        {
            StartedStream<LlmDelta>? stream;
            try
            {
                stream = await resilience.StartAsync(resilience.For("llm", provider.Name), t => provider.StreamAsync(request with { Agent = agent }, t), ct);
            }
            catch (Exception e) when (e is BrokenCircuitException || ProviderResilience.IsTransient(e))
            {
                log.LogWarning(e, "LLM provider {Provider} unavailable", provider.Name);
                last = e;
                continue;
            }
            if (stream is null) yield break;
            await using (stream)
            {
                do
                {
                    yield return stream.Enumerator.Current;
                }
                while (await stream.Enumerator.MoveNextAsync());
            }
            yield break;
        }
        throw new ProviderUnavailableException("llm", last);
    }
}

/// <summary>The agent's TTS with retries and a breaker, falling back to the agent's fallback TTS.</summary>
public sealed class ResilientTts(ProviderResilience resilience, ILogger log, params (ITtsProvider Provider, TtsConfig Config)[] chain) : ITtsProvider
{
    public string Name => chain[0].Provider.Name;

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        Exception? last = null;
        foreach (var (provider, providerConfig) in chain)
        {
            StartedStream<AudioChunk>? stream;
            try
            {
                stream = await resilience.StartAsync(resilience.For("tts", provider.Name), t => provider.SynthesizeAsync(text, providerConfig, language, t), ct);
            }
            catch (Exception e) when (e is BrokenCircuitException || ProviderResilience.IsTransient(e))
            {
                log.LogWarning(e, "TTS provider {Provider} unavailable", provider.Name);
                last = e;
                continue;
            }
            if (stream is null) yield break;
            await using (stream)
            {
                do
                {
                    yield return stream.Enumerator.Current;
                }
                while (await stream.Enumerator.MoveNextAsync());
            }
            yield break;
        }
        throw new ProviderUnavailableException("tts", last);
    }
}

/// <summary>The agent's STT: connections are retried behind a breaker, with the fallback STT when it stays down.</summary>
public sealed class ResilientStt(ProviderResilience resilience, ILogger log, params (ISttProvider Provider, SttConfig Config)[] chain) : ISttProvider
{
    public string Name => chain[0].Provider.Name;

    public async ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct)
    {
        Exception? last = null;
        foreach (var (provider, providerConfig) in chain)
        {
            try
            {
                return await resilience.For("stt", provider.Name).ExecuteAsync(t => provider.ConnectAsync(providerConfig, t), ct);
            }
            catch (Exception e) when (e is BrokenCircuitException || ProviderResilience.IsTransient(e))
            {
                log.LogWarning(e, "STT provider {Provider} unavailable", provider.Name);
                last = e;
            }
        }
        throw new ProviderUnavailableException("stt", last);
    }
}
