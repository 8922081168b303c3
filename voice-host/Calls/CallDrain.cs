using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Graceful drain on SIGTERM: before the web server stops, voice-host stops taking calls (new <c>/ws</c> upgrades
/// get 503, <c>/health</c> answers 503 "draining" so the load balancer routes elsewhere), lets live calls run for up
/// to <see cref="VoiceOptions.DrainTimeout"/>, then ends the rest with reason <c>shutdown</c> and waits for their
/// post-call hand-off, so every call still reaches the spool and the call-completed queue.
/// </summary>
public sealed partial class CallDrain(ActiveCalls calls, Readiness readiness, IOptions<VoiceOptions> options, TimeProvider time, ILogger<CallDrain> log)
    : IHostedLifecycleService
{
    /// <summary>How long the calls ended at the drain limit get to hand themselves off.</summary>
    public static readonly TimeSpan HandOffAllowance = TimeSpan.FromSeconds(10);

    public async Task StoppingAsync(CancellationToken ct)
    {
        readiness.Draining = true;
        var live = calls.Count;
        var limit = options.Value.DrainTimeout;
        LogDraining(live, limit.TotalSeconds);
        var started = time.GetTimestamp();
        try
        {
            await calls.WhenEmpty().WaitAsync(limit, time, ct);
            LogDrained(live, time.GetElapsedTime(started).TotalSeconds);
            return;
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        var remaining = calls.Count;
        LogEndingCalls(remaining);
        calls.EndAll(CallEndReasons.Shutdown);
        try
        {
            await calls.WhenEmpty().WaitAsync(HandOffAllowance, time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            LogHandOffIncomplete(calls.Count);
        }
    }

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: no new calls; waiting up to {LimitSeconds} s for {Calls} live calls")]
    private partial void LogDraining(int calls, double limitSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: {Calls} calls finished within {Seconds:0.0} s")]
    private partial void LogDrained(int calls, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain limit reached: ending {Calls} live calls with reason shutdown")]
    private partial void LogEndingCalls(int calls);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Calls} calls did not finish their hand-off before shutdown")]
    private partial void LogHandOffIncomplete(int calls);
}
