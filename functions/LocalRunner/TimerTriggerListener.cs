using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NCrontab;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>
/// Drives one timer-triggered function as the Functions host does: at each occurrence of its schedule (six-field
/// NCRONTAB with seconds, or a TimeSpan), one invocation at a time; an occurrence missed while the previous run was
/// still going is skipped, and the next run is told it is past due. A failure is logged and the schedule goes on.
/// Like the host, <c>AzureWebJobs.{Name}.Disabled=true</c> turns the function off.
/// </summary>
public sealed partial class TimerTriggerListener(TimerFunction function, Schedule schedule, FunctionInvoker invoker, TimeProvider time, ILogger<TimerTriggerListener> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var last = time.GetUtcNow();
        var first = function.RunOnStartup;
        while (!stop.IsCancellationRequested)
        {
            var next = first ? time.GetUtcNow() : schedule.Next(last);
            first = false;
            var wait = next - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = time.GetUtcNow();
            var info = new TimerInfo
            {
                IsPastDue = now - next > TimeSpan.FromSeconds(1),
                ScheduleStatus = new ScheduleStatus { Last = last.UtcDateTime, Next = schedule.Next(now).UtcDateTime, LastUpdated = now.UtcDateTime },
            };
            try
            {
                await invoker.InvokeAsync(function.Method, function.Name, (p, _) => p == function.TimerParameter ? (true, info) : (false, null), null,
                    new Dictionary<string, object?>(), 0, 0, stop);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                LogFailed(e, function.Name);
            }
            last = now;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    private partial void LogFailed(Exception e, string function);
}

/// <summary>
/// A timer schedule as the Functions host reads one: six-field NCRONTAB with seconds
/// (<c>second minute hour day month day-of-week</c>), parsed by NCrontab as the host does, or a TimeSpan
/// <c>hh:mm:ss</c> between runs. Times are UTC, as the host's default.
/// </summary>
public sealed partial class Schedule
{
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };
    private readonly TimeSpan? _interval;
    private readonly CrontabSchedule? _cron;

    private Schedule(TimeSpan interval) => _interval = interval;

    private Schedule(CrontabSchedule cron) => _cron = cron;

    public static Schedule Parse(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1 && TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new Schedule(interval);
        }
        // NCrontab reads a step of 0 as a step of 1: refused here, as it surely means a typo rather than "every second".
        if (ZeroStep().IsMatch(expression)) throw new FormatException($"A step of 0 in '{expression}'.");
        try
        {
            return new Schedule(CrontabSchedule.Parse(expression, WithSeconds));
        }
        catch (CrontabException e)
        {
            throw new FormatException($"'{expression}' is neither a six-field NCRONTAB expression nor a TimeSpan: {e.Message}", e);
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (_interval is { } interval) return after + interval;
        var next = _cron!.GetNextOccurrence(after.UtcDateTime, DateTime.MaxValue);
        // NCrontab answers its end time when nothing matches before it (30 February).
        if (next == DateTime.MaxValue) throw new InvalidOperationException("The schedule has no occurrence.");
        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }

    [GeneratedRegex(@"/0+(?![0-9])")]
    private static partial Regex ZeroStep();
}
