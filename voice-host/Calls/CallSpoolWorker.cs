using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Delivers the spool in the background (<see cref="CallDelivery"/>): a new call at once; a call that failed again
/// after <see cref="VoiceOptions.SpoolRetryDelay"/>, doubling with jitter up to
/// <see cref="VoiceOptions.SpoolMaxRetryDelay"/>. At start it resends whatever an earlier run left in the spool.
/// </summary>
public sealed partial class CallSpoolWorker(
    CallSpool spool, CallDelivery delivery, IOptions<VoiceOptions> options, TimeProvider time, ILogger<CallSpoolWorker> log) : BackgroundService
{
    private const int Parallelism = 4;
    private readonly ConcurrentDictionary<string, Retry> _retries = new();
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Looks at the spool now (a call was just added).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (options.Value.CallSink != VoiceOptions.QueueSink) return;
        await Task.Yield();
        var discarded = spool.DiscardIncomplete();
        if (discarded > 0) LogDiscarded(discarded, spool.Folder);
        var initial = spool.List();
        if (initial.Count > 0) LogResending(initial.Count, spool.Folder);

        while (!stop.IsCancellationRequested)
        {
            var next = Timeout.InfiniteTimeSpan;
            try
            {
                var now = time.GetUtcNow();
                var spooled = spool.List();
                foreach (var gone in _retries.Keys.Except(spooled.Select(c => c.CallId)).ToList()) _retries.TryRemove(gone, out _);
                var due = spooled.Where(c => _retries.GetOrAdd(c.CallId, new Retry(0, now)).Due <= now).ToList();
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stop }, DeliverAsync);
                if (!_retries.IsEmpty) next = _retries.Values.Min(r => r.Due) - time.GetUtcNow();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The spool itself failed (a full or missing disk): never stop voice-host for it; look again later.
                LogSpoolFailed(e, spool.Folder);
                next = options.Value.SpoolMaxRetryDelay;
            }
            await WaitAsync(next, stop);
        }
    }

    private async ValueTask DeliverAsync(SpooledCall call, CancellationToken stop)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        attempt.CancelAfter(options.Value.DeliveryTimeout);
        var attempts = _retries.GetValueOrDefault(call.CallId)?.Attempts ?? 0;
        try
        {
            await delivery.DeliverAsync(call, attempt.Token);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            var delay = Backoff(attempts + 1);
            _retries[call.CallId] = new Retry(attempts + 1, time.GetUtcNow() + delay);
            LogDeliveryFailed(call.CallId, attempts + 1, delay.TotalSeconds, e.GetType().Name, e.Message.Split('\n', 2)[0]);
            return;
        }
        // Delivered: only now does the call leave the spool. Should removing fail, the call is sent again, harmlessly.
        LogDelivered(call.CallId, attempts + 1);
        try
        {
            CallSpool.Remove(call);
            _retries.TryRemove(call.CallId, out _);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _retries[call.CallId] = new Retry(attempts + 1, time.GetUtcNow() + Backoff(attempts + 1));
            LogSpoolFailed(e, call.Folder);
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var o = options.Value;
        var exponential = o.SpoolRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, o.SpoolMaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken stop)
    {
        if (delay != Timeout.InfiniteTimeSpan && delay <= TimeSpan.Zero) return;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var woken = _wake.WaitAsync(wait.Token);
        var elapsed = delay == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, wait.Token) : Task.Delay(delay, time, wait.Token);
        await Task.WhenAny(woken, elapsed);
        await wait.CancelAsync();
        await Task.WhenAll(woken, elapsed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private sealed record Retry(int Attempts, DateTimeOffset Due);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} delivered to S3 and the queue (attempt {Attempt})")]
    private partial void LogDelivered(string callId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} stays spooled: delivery attempt {Attempt} failed ({Error}: {Reason}); next try in {DelaySeconds:F1} s")]
    private partial void LogDeliveryFailed(string callId, int attempt, double delaySeconds, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resending {Count} spooled calls from {Folder}")]
    private partial void LogResending(int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discarded {Count} calls left half-written in {Folder} by an earlier run")]
    private partial void LogDiscarded(int count, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "The call spool failed at {Folder}")]
    private partial void LogSpoolFailed(Exception e, string folder);
}
