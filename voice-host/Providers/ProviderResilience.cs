using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// One Polly pipeline per provider, shared by every call: a circuit breaker around retries with exponential
/// back-off and jitter, around a timeout per attempt. Only the start of a stream (connecting, the first result)
/// is retried; once audio or text flows, a retry would repeat it. A provider made on a tenant's own key
/// (<see cref="ScopeToKey"/>) has a pipeline of its own per key: one tenant's revoked key or unreachable server opens
/// no breaker for the platform's key or another tenant's.
/// </summary>
public sealed class ProviderResilience(IOptions<ResilienceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new();
    private readonly ConditionalWeakTable<object, string> _keyed = new();

    public ResiliencePipeline For(string kind, string provider) => _pipelines.GetOrAdd($"{kind}:{provider}", _ => Build());

    /// <summary>The pipeline of this provider instance: its key's, if it was made on a tenant's key, else its name's.</summary>
    public ResiliencePipeline For(string kind, string name, object instance) =>
        _keyed.TryGetValue(instance, out var scope) ? For(kind, $"{name}#{scope}") : For(kind, name);

    /// <summary>Marks <paramref name="instance"/> as made on <paramref name="key"/>; the key is known to the pipelines only by a hash.</summary>
    public void ScopeToKey(object instance, Core.Credentials.ProviderKey key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key.Provider}\n{key.BaseUrl}\n{key.AccountSid}\n{key.ApiKey}"));
        _keyed.AddOrUpdate(instance, Convert.ToHexStringLower(hash, 0, 8));
    }

    public static bool IsTransient(Exception e) =>
        e is ProviderException or TimeoutRejectedException or HttpRequestException or WebSocketException or IOException or TimeoutException;

    private ResiliencePipeline Build()
    {
        var o = options.Value;
        var handled = new PredicateBuilder().Handle<Exception>(IsTransient);
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handled,
                FailureRatio = 1.0,
                MinimumThroughput = o.BreakerFailures,
                SamplingDuration = o.SamplingDuration,
                BreakDuration = o.BreakDuration,
            })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handled,
                MaxRetryAttempts = o.Retries,
                Delay = o.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddTimeout(o.AttemptTimeout)
            .Build();
    }

    /// <summary>
    /// Opens a stream through the pipeline: an attempt counts as started once the first item arrived. Returns the
    /// live enumerator positioned on its first item (or null for an empty stream).
    /// </summary>
    public async Task<StartedStream<T>?> StartAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, IAsyncEnumerable<T>> open, CancellationToken ct)
    {
        return await pipeline.ExecuteAsync(async attempt =>
        {
            // The stream lives on past this attempt, so it gets its own token, tied to the call and, until the
            // first item, to the attempt's timeout.
            var life = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var firstItem = attempt.Register(static s => ((CancellationTokenSource)s!).Cancel(), life);
            var enumerator = open(life.Token).GetAsyncEnumerator(life.Token);
            try
            {
                if (await enumerator.MoveNextAsync()) return new StartedStream<T>(enumerator, life);
                await enumerator.DisposeAsync();
                life.Dispose();
                return null;
            }
            catch (OperationCanceledException) when (attempt.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                await enumerator.DisposeAsync();
                life.Dispose();
                throw new TimeoutRejectedException("The provider produced no first result in time.");
            }
            catch
            {
                await enumerator.DisposeAsync();
                life.Dispose();
                throw;
            }
        }, ct);
    }
}
