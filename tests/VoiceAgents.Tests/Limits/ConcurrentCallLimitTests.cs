using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Driver;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Limits;

/// <summary>Concurrent calls are capped per tenant (default 10) and per voice-host instance; a call over either is refused at auth with 1013.</summary>
[Collection(LimitsCollection.Name)]
public sealed class ConcurrentCallLimitTests(LimitsFixture f)
{
    private async Task<(TenantSession Tenant, string AgentId)> TenantAsync(string label)
    {
        var tenant = await f.Api.SignupAsync(label);
        return (tenant, await LimitsFixture.AgentAsync(tenant));
    }

    private async Task<VoiceClient> ConnectAsync(TenantSession tenant, string agentId)
    {
        var caller = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri);
        await caller.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId });
        return caller;
    }

    private static async Task AssertRefusedAsync(VoiceClient caller, string reasonPart)
    {
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1013, (int)caller.CloseStatus!);
        Assert.Contains(reasonPart, caller.CloseReason ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(caller.Events, e => VoiceClient.Type(e.Event) == "ready");
    }

    private async Task<int> ActiveCallsOfAsync(TenantSession tenant)
    {
        var db = f.Api.Services.GetRequiredService<MongoContext>();
        return (await db.Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).ActiveCalls;
    }

    [Fact]
    public async Task The_eleventh_concurrent_call_of_a_tenant_is_refused_with_1013_while_another_tenant_gets_in()
    {
        await f.NoCallsLiveAsync();
        var (busy, busyAgent) = await TenantAsync("cap-busy");
        var (other, otherAgent) = await TenantAsync("cap-other");
        var calls = new List<VoiceClient>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var caller = await ConnectAsync(busy, busyAgent);
                calls.Add(caller);
                await caller.WaitForAsync("ready", TimeSpan.FromSeconds(10));
            }
            Assert.Equal(10, await ActiveCallsOfAsync(busy));

            await using (var eleventh = await ConnectAsync(busy, busyAgent))
            {
                await AssertRefusedAsync(eleventh, "tenant's limit of 10 concurrent calls");
            }
            await using (var neighbour = await ConnectAsync(other, otherAgent))
            {
                await neighbour.WaitForAsync("ready", TimeSpan.FromSeconds(10));
            }

            // A call that ends gives its slot back: the tenant may call again.
            await PostCallSteps.EndCallAsync(calls[0]);
            await Eventually.Assert(async () => Assert.Equal(9, await ActiveCallsOfAsync(busy)), TimeSpan.FromSeconds(10));
            var again = await ConnectAsync(busy, busyAgent);
            calls.Add(again);
            await again.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var c in calls) await c.DisposeAsync();
        }
        await Eventually.Assert(async () => Assert.Equal(0, await ActiveCallsOfAsync(busy)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_call_over_the_instance_limit_is_refused_with_1013_naming_the_instance_limit()
    {
        await f.NoCallsLiveAsync();
        var calls = new List<VoiceClient>();
        try
        {
            // Three tenants of four calls each fill the instance (12) without reaching a tenant's cap.
            for (var t = 0; t < 3; t++)
            {
                var (tenant, agent) = await TenantAsync($"instance-{t}");
                for (var i = 0; i < 4; i++)
                {
                    var caller = await ConnectAsync(tenant, agent);
                    calls.Add(caller);
                    await caller.WaitForAsync("ready", TimeSpan.FromSeconds(10));
                }
            }
            Assert.Equal(LimitsFixture.InstanceLimit, f.Calls.Count);

            var (fresh, freshAgent) = await TenantAsync("instance-fresh");
            await using var refused = await ConnectAsync(fresh, freshAgent);
            await AssertRefusedAsync(refused, $"voice-host is at its limit of {LimitsFixture.InstanceLimit} concurrent calls");
            // Refused by the instance, it took no slot of its tenant.
            Assert.Equal(0, await ActiveCallsOfAsync(fresh));
        }
        finally
        {
            foreach (var c in calls) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_slots_of_a_voice_host_that_died_come_back_once_their_lease_runs_out()
    {
        var tenant = await f.Api.SignupAsync("cap-lease");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var slots = new TenantCallSlots(f.Api.Services.GetRequiredService<MongoContext>(), Options.Create(new CallSlotOptions { Lease = TimeSpan.FromMinutes(3) }), time);
        var (dead, live) = (Ids.New(), Ids.New());
        Assert.True((await slots.TryTakeForCallAsync(tenant.TenantId, dead, "host-that-died", CancellationToken.None)).Taken);
        Assert.True((await slots.TryTakeForCallAsync(tenant.TenantId, live, "host-alive", CancellationToken.None)).Taken);
        Assert.Equal(2, await ActiveCallsOfAsync(tenant));

        // The live host renews its lease; the dead one cannot.
        time.Advance(TimeSpan.FromMinutes(2));
        await slots.RenewAsync("host-alive", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        await slots.ReapExpiredAsync(CancellationToken.None);
        Assert.Equal(1, await ActiveCallsOfAsync(tenant));
        await slots.ReapExpiredAsync(CancellationToken.None);
        Assert.Equal(1, await ActiveCallsOfAsync(tenant));

        // The live call's slot is given back once, however often its end is reported.
        await slots.ReleaseForCallAsync(live, CancellationToken.None);
        await slots.ReleaseForCallAsync(live, CancellationToken.None);
        await slots.ReleaseForCallAsync(dead, CancellationToken.None);
        Assert.Equal(0, await ActiveCallsOfAsync(tenant));
    }
}
