using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Streams from the first provider of a chain that starts, each through its own resilience pipeline.</summary>
internal static partial class Failover
{
    public static async IAsyncEnumerable<T> StreamAsync<T>(
        ProviderResilience resilience, ILogger log, string kind,
        IEnumerable<(string Name, object Instance, Func<CancellationToken, IAsyncEnumerable<T>> Open)> chain,
        Action<string>? serving, [EnumeratorCancellation] CancellationToken ct)
    {
        Exception? last = null;
        foreach (var (name, instance, open) in chain)
        {
            StartedStream<T>? stream;
            try
            {
                stream = await resilience.StartAsync(resilience.For(kind, name, instance), open, ct);
            }
            catch (Exception e) when (e is BrokenCircuitException || ProviderResilience.IsTransient(e))
            {
                LogUnavailable(log, e, kind, name);
                last = e;
                continue;
            }
            serving?.Invoke(name);
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
