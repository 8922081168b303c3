using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

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
                return await resilience.For("stt", provider.Name, provider).ExecuteAsync(t => provider.ConnectAsync(providerConfig, t), ct);
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
