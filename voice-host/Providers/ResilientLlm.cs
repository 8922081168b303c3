using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// The agent's LLM with retries and a breaker, falling back to the agent's fallback LLM. Each provider of the chain
/// is asked with its own model settings (<see cref="LlmRequest.Llm"/>) and the same agent.
/// </summary>
public sealed class ResilientLlm(ProviderResilience resilience, ILogger log, params (ILlmProvider Provider, LlmConfig Config)[] chain) : ILlmProvider
{
    public string Name => chain[0].Provider.Name;

    public IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, CancellationToken ct) =>
        Failover.StreamAsync(resilience, log, "llm", chain.Select(c => (c.Provider.Name, (object)c.Provider, (Func<CancellationToken, IAsyncEnumerable<LlmDelta>>)(t => c.Provider.StreamAsync(request with { Llm = c.Config }, t)))), null, ct);
}
