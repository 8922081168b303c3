using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Telephony;

namespace VoiceAgents.Tests.Dialer;

/// <summary>A timer-triggered method; without <c>[Function]</c> it stays out of every runner's catalog.</summary>
public static class TimerProbe
{
    public static ConcurrentQueue<TimerInfo> Runs { get; } = new();

    public static Task Tick([TimerTrigger("*/5 * * * * *")] TimerInfo timer)
    {
        Runs.Enqueue(timer);
        return Task.CompletedTask;
    }
}

/// <summary>The local runner drives timer triggers (the dialer's <c>DispatchCalls</c>) from their schedules, as the host does.</summary>
[Collection(TelephonyCollection.Name)]
public sealed class TimerTriggerTests(TelephonyFixture f)
{
    [Theory]
    [InlineData("*/2 * * * * *", "2026-03-01T10:00:00Z", "2026-03-01T10:00:02Z")]
    [InlineData("*/2 * * * * *", "2026-03-01T10:00:01.500Z", "2026-03-01T10:00:02Z")]
    [InlineData("0 */5 * * * *", "2026-03-01T10:03:10Z", "2026-03-01T10:05:00Z")]
    [InlineData("0 30 9 * * 1-5", "2026-02-27T10:00:00Z", "2026-03-02T09:30:00Z")]
    [InlineData("0 0 0 1 1 *", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("15,45 * * * * *", "2026-03-01T10:00:20Z", "2026-03-01T10:00:45Z")]
    [InlineData("00:00:30", "2026-03-01T10:00:20Z", "2026-03-01T10:00:50Z")]
    [InlineData("0 30 9 * * Mon-Fri", "2026-02-27T10:00:00Z", "2026-03-02T09:30:00Z")]
    [InlineData("0 0 12 1 Jan,Jul *", "2026-03-01T00:00:00Z", "2026-07-01T12:00:00Z")]
    [InlineData("0 0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    public void Schedules_give_the_next_occurrence_after_a_time(string expression, string after, string next) =>
        Assert.Equal(DateTimeOffset.Parse(next), Schedule.Parse(expression).Next(DateTimeOffset.Parse(after)));

    [Theory]
    [InlineData("* * * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("*/0 * * * * *")]
    [InlineData("a * * * * *")]
    public void Malformed_schedules_are_refused(string expression) =>
        Assert.Throws<FormatException>(() => Schedule.Parse(expression));

    [Fact]
    public async Task A_timer_function_runs_at_each_occurrence_of_its_schedule()
    {
        var method = typeof(TimerProbe).GetMethod(nameof(TimerProbe.Tick))!;
        var function = new TimerFunction("TimerProbe", method, "*/5 * * * * *", false, method.GetParameters()[0]);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T10:00:00Z"));
        var listener = new TimerTriggerListener(function, Schedule.Parse(function.Schedule), f.Api.Services.GetRequiredService<FunctionInvoker>(), time,
            NullLogger<TimerTriggerListener>.Instance);
        TimerProbe.Runs.Clear();
        var seenAt = new List<DateTimeOffset>();
        await listener.StartAsync(CancellationToken.None);
        try
        {
            // One fake second at a time, with a real moment between for the listener to run and wait again.
            for (var second = 0; second < 17; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                var before = seenAt.Count;
                // Where the schedule says a run is due, allow it a full (real) second to show up under load.
                var patience = (second + 1) % 5 == 0 ? 100 : 3;
                for (var i = 0; i < patience && TimerProbe.Runs.Count == before; i++) await Task.Delay(10);
                while (seenAt.Count < TimerProbe.Runs.Count) seenAt.Add(time.GetUtcNow());
            }
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
        var start = DateTimeOffset.Parse("2026-03-01T10:00:00Z");
        Assert.Equal([start.AddSeconds(5), start.AddSeconds(10), start.AddSeconds(15)], seenAt);
        var runs = TimerProbe.Runs.ToArray();
        Assert.All(runs, r => Assert.False(r.IsPastDue));
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 20, DateTimeKind.Utc), runs[^1].ScheduleStatus!.Next);
    }

    [Fact]
    public async Task The_dispatcher_timer_runs_in_the_local_runner_unless_the_hosts_disabled_setting_says_so()
    {
        static async Task<int> TimerListenersAsync(bool disabled)
        {
            var settings = ApiFixture.StackSettings($"timer_{Guid.NewGuid():N}"[..20]);
            if (disabled) settings["AzureWebJobs.DispatchCalls.Disabled"] = "true";
            await using var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b => b.Configuration.AddInMemoryCollection(settings));
            return app.Services.GetServices<IHostedService>().Count(s => s is TimerTriggerListener);
        }

        Assert.Equal(1, await TimerListenersAsync(disabled: false));
        Assert.Equal(0, await TimerListenersAsync(disabled: true));
    }
}
