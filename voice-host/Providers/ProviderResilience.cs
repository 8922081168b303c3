using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// One Polly pipeline per provider, shared by every call: a circuit breaker around retries with exponential
/// back-off and jitter, around a timeout per attempt. Only the start of a stream (connecting, the first result)
/// is retried; once audio or text flows, a retry would repeat it.
/// </summary>
public sealed class ProviderResilience(IOptions<ResilienceOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new();

    public ResiliencePipeline For(string kind, string provider) => _pipelines.GetOrAdd($"{kind}:{provider}", _ => Build());

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
