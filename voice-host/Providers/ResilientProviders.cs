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

    public IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, CancellationToken ct) =>
        Failover.StreamAsync(resilience, log, "llm", chain.Select(c => (c.Provider.Name, (Func<CancellationToken, IAsyncEnumerable<LlmDelta>>)(t => c.Provider.StreamAsync(request with { Agent = c.Agent }, t)))), ct);
}

/// <summary>The agent's TTS with retries and a breaker, falling back to the agent's fallback TTS.</summary>
public sealed class ResilientTts(ProviderResilience resilience, ILogger log, params (ITtsProvider Provider, TtsConfig Config)[] chain) : ITtsProvider
{
    public string Name => chain[0].Provider.Name;

    public IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, CancellationToken ct) =>
        Failover.StreamAsync(resilience, log, "tts", chain.Select(c => (c.Provider.Name, (Func<CancellationToken, IAsyncEnumerable<AudioChunk>>)(t => c.Provider.SynthesizeAsync(text, c.Config, language, t)))), ct);
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
                Failover.LogUnavailable(log, e, "stt", provider.Name);
                last = e;
            }
        }
        throw new ProviderUnavailableException("stt", last);
    }
}

/// <summary>Streams from the first provider of a chain that starts, each through its own resilience pipeline.</summary>
internal static partial class Failover
{
    public static async IAsyncEnumerable<T> StreamAsync<T>(
        ProviderResilience resilience, ILogger log, string kind,
        IEnumerable<(string Name, Func<CancellationToken, IAsyncEnumerable<T>> Open)> chain,
        [EnumeratorCancellation] CancellationToken ct)
    {
        Exception? last = null;
        foreach (var (name, open) in chain)
        {
            StartedStream<T>? stream;
            try
            {
                stream = await resilience.StartAsync(resilience.For(kind, name), open, ct);
            }
            catch (Exception e) when (e is BrokenCircuitException || ProviderResilience.IsTransient(e))
            {
                LogUnavailable(log, e, kind, name);
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
        throw new ProviderUnavailableException(kind, last);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} provider {Provider} unavailable")]
    public static partial void LogUnavailable(ILogger log, Exception e, string kind, string provider);
}
