using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
/// A timer schedule: six-field NCRONTAB (<c>second minute hour day month day-of-week</c>; each field <c>*</c>, a
/// number, a range <c>a-b</c>, a list <c>a,b</c>, or a step <c>*/n</c> / <c>a-b/n</c>), or a TimeSpan <c>hh:mm:ss</c>
/// between runs. Times are UTC, as the host's default.
/// </summary>
public sealed class Schedule
{
    private readonly TimeSpan? _interval;
    private readonly bool[][] _fields = [];

    private Schedule(TimeSpan interval) => _interval = interval;

    private Schedule(bool[][] fields) => _fields = fields;

    public static Schedule Parse(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1 && TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new Schedule(interval);
        }
        if (parts.Length != 6) throw new FormatException($"'{expression}' is neither a six-field NCRONTAB expression nor a TimeSpan.");
        int[][] bounds = [[0, 59], [0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
        return new Schedule(parts.Select((p, i) => Field(p, bounds[i][0], bounds[i][1], expression)).ToArray());
    }

    private static bool[] Field(string text, int min, int max, string expression)
    {
        var allowed = new bool[max + 1];
        foreach (var item in text.Split(','))
        {
            var (range, step) = item.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, out var n) && n > 0 => (r, n),
                _ => throw new FormatException($"Bad field '{text}' in '{expression}'."),
            };
            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Split('-') is [var a, var b] && int.TryParse(a, out from) && int.TryParse(b, out to))
            {
            }
            else if (int.TryParse(range, out from))
            {
                to = step > 1 ? max : from;
            }
            else
            {
                throw new FormatException($"Bad field '{text}' in '{expression}'.");
            }
            if (from < min || to > max || from > to) throw new FormatException($"Field '{text}' is out of range in '{expression}'.");
            for (var v = from; v <= to; v += step) allowed[v] = true;
        }
        return allowed;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (_interval is { } interval) return after + interval;
        var t = after.ToUniversalTime();
        t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero).AddSeconds(1);
        // At most a year and a bit of seconds; a schedule that never fires (30 February) gives up there.
        for (var i = 0; i < 366 * 24 * 3600 + 1; i++, t = t.AddSeconds(1))
        {
            if (!_fields[4][t.Month]) { t = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1).AddSeconds(-1); continue; }
            if (!_fields[3][t.Day] || !_fields[5][(int)t.DayOfWeek]) { t = new DateTimeOffset(t.Year, t.Month, t.Day, 23, 59, 59, TimeSpan.Zero); continue; }
            if (!_fields[2][t.Hour]) { t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 59, 59, TimeSpan.Zero); continue; }
            if (!_fields[1][t.Minute]) { t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 59, TimeSpan.Zero); continue; }
            if (_fields[0][t.Second]) return t;
        }
        throw new InvalidOperationException("The schedule has no occurrence within a year.");
    }
}
