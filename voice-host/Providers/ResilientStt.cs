using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>The agent's STT: connections are retried behind a breaker, with the fallback STT when it stays down.</summary>
public sealed class ResilientStt(ProviderResilience resilience, ILogger log, params (ISttProvider Provider, SttConfig Config)[] chain) : ISttProvider, IServingProvider
{
    private volatile string? _serving;

    public string Name => chain[0].Provider.Name;

    public string Serving => _serving ?? Name;

    public async ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct)
    {
        Exception? last = null;
        foreach (var (provider, providerConfig) in chain)
        {
            try
            {
                var session = await resilience.For("stt", provider.Name, provider).ExecuteAsync(t => provider.ConnectAsync(providerConfig, t), ct);
                _serving = provider.Name;
                return session;
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
