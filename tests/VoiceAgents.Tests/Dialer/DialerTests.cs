using Microsoft.Extensions.Time.Testing;
using MongoDB.Driver;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Functions.Dialer;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Telephony;
using static VoiceAgents.Tests.Dialer.DialerSteps;

namespace VoiceAgents.Tests.Dialer;

/// <summary>
/// The dialer against the real database and Twilio's REST API on loopback. Each test has a tenant of its own and runs
/// dispatchers for it on a fake clock, so limits, windows and retry delays are checked without waiting.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class DialerTests(TelephonyFixture f)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Dispatcher_never_exceeds_the_campaign_cap_or_the_tenant_cap()
    {
        var tenant = await f.Api.SignupAsync("caps");
        await LimitTenantAsync(f, tenant.TenantId, null, 1000);
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(24);
        var campaigns = new List<string>();
        for (var i = 0; i < 3; i++) campaigns.Add(await RunningCampaignAsync(tenant, agent, numbers[(i * 8)..((i + 1) * 8)]));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time);

        var first = await dialer.DispatchAsync(None, tenant.TenantId);
        await dialer.DispatchAsync(None, tenant.TenantId);

        Assert.Equal(10, first.Placed);
        Assert.Equal(10, PlacedTo(f, numbers).Count);
        foreach (var c in campaigns)
        {
            var open = (await NumbersAsync(f, c)).Count(n => n.Status == NumberStatus.InProgress);
            Assert.InRange(open, 1, 5);
            Assert.Equal(open, (await Db(f).Campaigns.Find(x => x.Id == c).FirstAsync()).ActiveCalls);
        }
        Assert.Equal(10, (await Db(f).Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).ActiveCalls);

        // Ending calls frees their slots, and the next run fills exactly those.
        await EndOpenCallsAsync(f, dialer, campaigns[0], CallOutcomes.Completed);
        var next = await dialer.DispatchAsync(None, tenant.TenantId);
        Assert.InRange(next.Placed, 1, 5);
        Assert.Equal(10, (await Db(f).Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).ActiveCalls);
    }

    [Fact]
    public async Task Dispatcher_keeps_to_the_tenants_calls_per_second()
    {
        var tenant = await f.Api.SignupAsync("rate");
        await LimitTenantAsync(f, tenant.TenantId, 100, 2);
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(40);
        await RunningCampaignAsync(tenant, agent, numbers, new { max_concurrent_calls = 50 });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time);

        // Runs at one instant take at most the burst: one second's worth.
        for (var i = 0; i < 3; i++) await dialer.DispatchAsync(None, tenant.TenantId);
        Assert.Equal(2, PlacedTo(f, numbers).Count);

        // Ten runs over five seconds: two calls a second.
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await dialer.DispatchAsync(None, tenant.TenantId);
        }
        Assert.Equal(12, PlacedTo(f, numbers).Count);
    }

    [Fact]
    public async Task The_default_rate_is_one_call_a_second_per_tenant()
    {
        var tenant = await f.Api.SignupAsync("rate-default");
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(10);
        await RunningCampaignAsync(tenant, agent, numbers);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time);

        for (var i = 0; i < 4; i++)
        {
            await dialer.DispatchAsync(None, tenant.TenantId);
            await dialer.DispatchAsync(None, tenant.TenantId);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(4, PlacedTo(f, numbers).Count);
    }

    [Fact]
    public async Task Outside_its_calling_window_a_campaign_places_nothing_and_it_resumes_inside()
    {
        var tenant = await f.Api.SignupAsync("window");
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(3);
        var now = DateTimeOffset.UtcNow;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var window = new { start = local.AddHours(2).ToString("HH:mm"), end = local.AddHours(4).ToString("HH:mm"), time_zone = "Asia/Kolkata" };
        var campaign = await RunningCampaignAsync(tenant, agent, numbers, new { calling_window = window });
        var time = new FakeTimeProvider(now);
        var dialer = Dispatcher(f, time);

        var outside = await dialer.DispatchAsync(None, tenant.TenantId);
        time.Advance(TimeSpan.FromMinutes(119));
        await dialer.DispatchAsync(None, tenant.TenantId);
        Assert.Equal(0, outside.Placed);
        Assert.Empty(PlacedTo(f, numbers));

        time.Advance(TimeSpan.FromMinutes(2));
        var inside = await dialer.DispatchAsync(None, tenant.TenantId);
        Assert.Equal(1, inside.Placed);
        Assert.All(await NumbersAsync(f, campaign), n => Assert.NotEqual(NumberStatus.Failed, n.Status));
    }

    [Fact]
    public async Task Busy_and_unanswered_numbers_are_retried_after_the_delay_up_to_max_attempts_each_attempt_a_call_log_row()
    {
        var tenant = await f.Api.SignupAsync("retry");
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(1);
        var campaign = await RunningCampaignAsync(tenant, agent, numbers, new { max_attempts = 2, retry_delay_seconds = 60 });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time);

        await dialer.DispatchAsync(None, tenant.TenantId);
        Assert.Equal(1, await EndOpenCallsAsync(f, dialer, campaign, CallOutcomes.Busy));
        var afterBusy = Assert.Single(await NumbersAsync(f, campaign));
        Assert.Equal((NumberStatus.Pending, 1, "busy"), (afterBusy.Status, afterBusy.Attempts, afterBusy.LastOutcome));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);
        Assert.Equal(1, await EndOpenCallsAsync(f, dialer, campaign, CallOutcomes.NoAnswer));

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);
        var final = Assert.Single(await NumbersAsync(f, campaign));
        Assert.Equal((NumberStatus.Failed, 2, "no_answer"), (final.Status, final.Attempts, final.LastOutcome));
        Assert.Equal(2, PlacedTo(f, numbers).Count);

        var rows = await Db(f).CallLogs.Find(c => c.TenantId == tenant.TenantId && c.CampaignId == campaign).SortBy(c => c.Attempt).ToListAsync();
        Assert.Equal([(1, CallStatus.Busy), (2, CallStatus.NoAnswer)], rows.Select(r => (r.Attempt, r.Status)).ToArray());
        Assert.All(rows, r => Assert.Equal(numbers[0], r.PhoneNumber));
        Assert.Equal("completed", (await Db(f).Campaigns.Find(c => c.Id == campaign).FirstAsync()).Status.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task Pause_and_cancel_stop_new_calls_at_once_while_calls_in_progress_finish()
    {
        var tenant = await f.Api.SignupAsync("pause");
        await LimitTenantAsync(f, tenant.TenantId, null, 1000);
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(10);
        var campaign = await RunningCampaignAsync(tenant, agent, numbers, new { max_concurrent_calls = 2 });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time);

        Assert.Equal(2, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);
        Assert.Equal("paused", await TransitionAsync(tenant, campaign, "pause"));
        Assert.Equal(2, await EndOpenCallsAsync(f, dialer, campaign, CallOutcomes.Completed));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);
        Assert.Equal(2, (await NumbersAsync(f, campaign)).Count(n => n.Status == NumberStatus.Done));

        Assert.Equal("running", await TransitionAsync(tenant, campaign, "resume"));
        Assert.Equal(2, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);
        Assert.Equal("cancelled", await TransitionAsync(tenant, campaign, "cancel"));
        Assert.Equal(2, await EndOpenCallsAsync(f, dialer, campaign, CallOutcomes.Completed));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, (await dialer.DispatchAsync(None, tenant.TenantId)).Placed);

        Assert.Equal(4, PlacedTo(f, numbers).Count);
        Assert.Equal(6, (await NumbersAsync(f, campaign)).Count(n => n.Status == NumberStatus.Pending));
        Assert.Equal(0, (await Db(f).Campaigns.Find(c => c.Id == campaign).FirstAsync()).ActiveCalls);
    }

    [Fact]
    public async Task Two_dispatchers_running_at_once_never_dial_a_number_twice()
    {
        var tenant = await f.Api.SignupAsync("race");
        await LimitTenantAsync(f, tenant.TenantId, 30, 10_000);
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(120);
        var campaigns = new[]
        {
            await RunningCampaignAsync(tenant, agent, numbers[..60], new { max_concurrent_calls = 20 }),
            await RunningCampaignAsync(tenant, agent, numbers[60..], new { max_concurrent_calls = 20 }),
        };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = Dispatcher(f, time);
        var b = Dispatcher(f, time);

        for (var round = 0; round < 12; round++)
        {
            await Task.WhenAll(a.DispatchAsync(None, tenant.TenantId), b.DispatchAsync(None, tenant.TenantId));
            var open = 0;
            foreach (var c in campaigns)
            {
                var inCampaign = (await NumbersAsync(f, c)).Count(n => n.Status is NumberStatus.Claimed or NumberStatus.InProgress);
                Assert.InRange(inCampaign, 0, 20);
                open += inCampaign;
            }
            Assert.InRange(open, 0, 30);
            foreach (var c in campaigns) await EndOpenCallsAsync(f, a, c, CallOutcomes.Completed);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var placed = PlacedTo(f, numbers);
        Assert.Equal(120, placed.Count);
        Assert.Equal(120, placed.Select(p => p.To).Distinct().Count());
        foreach (var c in campaigns) Assert.Equal(CampaignStatus.Completed, (await Db(f).Campaigns.Find(x => x.Id == c).FirstAsync()).Status);
        Assert.Equal(0, (await Db(f).Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).ActiveCalls);
    }

    [Fact]
    public async Task A_claim_whose_call_never_reports_back_is_taken_back_after_the_timeout_and_retried()
    {
        var tenant = await f.Api.SignupAsync("stuck");
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(1);
        var campaign = await RunningCampaignAsync(tenant, agent, numbers, new { retry_delay_seconds = 0 });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time, new DialerOptions { ClaimTimeout = TimeSpan.FromMinutes(5) });

        await dialer.DispatchAsync(None, tenant.TenantId);
        time.Advance(TimeSpan.FromMinutes(4));
        var early = await dialer.DispatchAsync(None, tenant.TenantId);
        time.Advance(TimeSpan.FromMinutes(2));
        var late = await dialer.DispatchAsync(None, tenant.TenantId);

        Assert.Equal((0, 0), (early.Reclaimed, early.Placed));
        Assert.Equal((1, 1), (late.Reclaimed, late.Placed));
        var number = Assert.Single(await NumbersAsync(f, campaign));
        Assert.Equal((NumberStatus.InProgress, 2), (number.Status, number.Attempts));
        var first = await Db(f).CallLogs.Find(c => c.CampaignId == campaign && c.Attempt == 1).FirstAsync();
        Assert.Equal((CallStatus.Failed, "no_status_callback"), (first.Status, first.EndReason));
        Assert.Equal(1, (await Db(f).Campaigns.Find(c => c.Id == campaign).FirstAsync()).ActiveCalls);
    }

    [Fact]
    public async Task A_campaign_whose_numbers_are_all_final_completes_once_and_announces_it()
    {
        var tenant = await f.Api.SignupAsync("complete");
        await LimitTenantAsync(f, tenant.TenantId, null, 1000);
        var agent = await AgentAsync(tenant);
        var numbers = Numbers(3);
        f.Twilio.Refused[numbers[2]] = true;
        var campaign = await RunningCampaignAsync(tenant, agent, numbers, new { max_attempts = 1 });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialer = Dispatcher(f, time);

        var run = await dialer.DispatchAsync(None, tenant.TenantId);
        Assert.Equal((2, 1), (run.Placed, run.Failed));
        using var client = tenant.Client();
        var progress = await TenantSession.Read(await client.GetAsync($"campaigns/{campaign}/progress"), 200);
        Assert.Equal((3, 0, 2, 0, 1), (progress["total"]!.GetValue<int>(), progress["pending"]!.GetValue<int>(),
            progress["in_progress"]!.GetValue<int>(), progress["done"]!.GetValue<int>(), progress["failed"]!.GetValue<int>()));

        await EndOpenCallsAsync(f, dialer, campaign, CallOutcomes.Completed);
        await dialer.DispatchAsync(None, tenant.TenantId);

        progress = await TenantSession.Read(await client.GetAsync($"campaigns/{campaign}/progress"), 200);
        Assert.Equal(("completed", 2, 1), (progress["status"]!.GetValue<string>(), progress["done"]!.GetValue<int>(), progress["failed"]!.GetValue<int>()));
        var events = (await f.EventsAsync()).Where(e => e.TenantId == tenant.TenantId).ToList();
        var completed = Assert.Single(events, e => e.Type == EventTypes.CampaignCompleted);
        Assert.Equal($"campaign.completed:{campaign}", completed.Id);
        Assert.Equal(2, completed.Data["done"]!.GetValue<long>());
        Assert.Contains(events, e => e.Type == EventTypes.CampaignProgress && e.Data["campaign_id"]!.GetValue<string>() == campaign);
    }

    [Fact]
    public async Task Progress_of_another_tenants_campaign_is_not_found()
    {
        var owner = await f.Api.SignupAsync("progress-owner");
        var other = await f.Api.SignupAsync("progress-other");
        var campaign = await RunningCampaignAsync(owner, await AgentAsync(owner), Numbers(2));
        using var client = other.Client();
        var response = await client.GetAsync($"campaigns/{campaign}/progress");
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Campaign_dialer_settings_are_validated()
    {
        var tenant = await f.Api.SignupAsync("settings");
        var agent = await AgentAsync(tenant);
        using var client = tenant.Client();
        var response = await client.PostAsync("campaigns", ApiFixture.Json(new
        {
            name = "Bad", agent_id = agent, phone_numbers = Numbers(1),
            dialer = new { max_concurrent_calls = 0, max_attempts = 11, calling_window = new { start = "9am", end = "18:00", time_zone = "Mars/Olympus" } },
        }));
        var problem = await TenantSession.Read(response, 400);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("dialer.max_concurrent_calls"));
        Assert.True(errors.ContainsKey("dialer.max_attempts"));
        Assert.True(errors.ContainsKey("dialer.calling_window.start"));
        Assert.True(errors.ContainsKey("dialer.calling_window.time_zone"));
    }
}
