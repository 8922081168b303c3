using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Events;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Realtime;

/// <summary>
/// The dashboard's path, for real: negotiate through the API, connect to the Web PubSub stand-in with the JSON
/// subprotocol, and hear the tenant's platform events (through the events queue and DispatchEvent), and only its own.
/// </summary>
[Collection(RealtimeCollection.Name)]
public sealed class LiveUpdatesTests(RealtimeFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Negotiate_requires_authentication()
    {
        using var anonymous = fixture.Api.Client();
        await Problems.AssertProblem(await anonymous.GetAsync("realtime/negotiate"), 401);
        using var forged = fixture.Api.Client("not.a.token");
        await Problems.AssertProblem(await forged.GetAsync("realtime/negotiate"), 401);
    }

    [Fact]
    public async Task Negotiate_returns_a_url_for_the_tenant_group_that_connects_with_the_json_subprotocol()
    {
        var tenant = await fixture.Api.SignupAsync("live-negotiate");

        var negotiated = await NegotiateAsync(tenant);

        Assert.Equal("dashboard", negotiated["hub"]!.GetValue<string>());
        Assert.Equal($"tenant-{tenant.TenantId}", negotiated["group"]!.GetValue<string>());
        var url = new Uri(negotiated["url"]!.GetValue<string>());
        Assert.Equal($"ws://{fixture.PubSub.Endpoint.Authority}/client/hubs/dashboard", url.GetLeftPart(UriPartial.Path));
        var claims = Jwt.Payload(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query)["access_token"].ToString());
        Assert.Equal(tenant.UserId, claims["sub"]!.GetValue<string>());
        Assert.Equal($"webpubsub.joinLeaveGroup.tenant-{tenant.TenantId}", Assert.Single(claims["role"]!.AsArray())!.GetValue<string>());
        var expiresAt = negotiated["expires_at"]!.GetValue<DateTime>().ToUniversalTime();
        Assert.Equal(claims["exp"]!.GetValue<long>(), new DateTimeOffset(expiresAt).ToUnixTimeSeconds());
        // Good for connecting for 5 minutes: it bounds how long a member removed meanwhile could still reconnect.
        Assert.InRange(expiresAt, DateTime.UtcNow.AddMinutes(4), DateTime.UtcNow.AddMinutes(5).AddSeconds(5));

        await using var client = await PubSubClient.ConnectAsync(url);
        Assert.Equal("json.webpubsub.azure.v1", client.Subprotocol);
        var connected = await client.WaitForAsync(m => m["type"]?.GetValue<string>() == "system", Wait, "connected");
        Assert.Equal(("connected", tenant.UserId), (connected["event"]!.GetValue<string>(), connected["userId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_tenants_client_receives_its_events_and_never_another_tenants()
    {
        var a = await fixture.Api.SignupAsync("live-a");
        var b = await fixture.Api.SignupAsync("live-b");
        await using var clientA = await ConnectAsync(a);
        await using var clientB = await ConnectAsync(b);

        var forB = Event(b, EventTypes.CallCompleted);
        var forA = Event(a, EventTypes.CallCompleted);
        var progress = Event(a, EventTypes.CampaignProgress);
        await EnqueueAsync(forB, forA, progress);

        // call.completed goes out as call.ended, with the event's id, created_at and data; other types as they are.
        var endedA = await clientA.WaitForAsync(m => PubSubClient.IsEvent(m, forA.Id), Wait, "A's call.ended");
        Assert.Equal(("group", $"tenant-{a.TenantId}", "json"), (endedA["from"]!.GetValue<string>(), endedA["group"]!.GetValue<string>(), endedA["dataType"]!.GetValue<string>()));
        var expected = forA.ToPayload();
        expected["type"] = EventTypes.CallEnded;
        Assert.True(JsonNode.DeepEquals(expected, endedA["data"]), endedA.ToJsonString());
        var progressA = await clientA.WaitForAsync(m => PubSubClient.IsEvent(m, progress.Id), Wait, "A's campaign.progress");
        Assert.Equal(EventTypes.CampaignProgress, progressA["data"]!["type"]!.GetValue<string>());
        await clientB.WaitForAsync(m => PubSubClient.IsEvent(m, forB.Id), Wait, "B's call.ended");

        // Each client's messages arrive in the order they were sent: once a later event of its own has arrived, one
        // of the other tenant's sent earlier would have too.
        await SyncAsync(a, clientA);
        await SyncAsync(b, clientB);
        Assert.DoesNotContain(clientA.Seen, m => PubSubClient.IsEvent(m, forB.Id));
        Assert.DoesNotContain(clientB.Seen, m => PubSubClient.IsEvent(m, forA.Id) || PubSubClient.IsEvent(m, progress.Id));
    }

    [Fact]
    public async Task Joining_another_tenants_group_is_refused()
    {
        var a = await fixture.Api.SignupAsync("live-join-a");
        var b = await fixture.Api.SignupAsync("live-join-b");
        await using var clientA = await ConnectAsync(a);
        await using var clientB = await ConnectAsync(b);

        await clientA.SendAsync(new { type = "joinGroup", group = $"tenant-{b.TenantId}", ackId = 7 });
        var ack = await clientA.WaitForAsync(m => m["type"]?.GetValue<string>() == "ack" && m["ackId"]?.GetValue<long>() == 7, Wait, "the join's ack");
        Assert.False(ack["success"]!.GetValue<bool>());
        Assert.Equal("Forbidden", ack["error"]!["name"]!.GetValue<string>());

        var forB = Event(b, EventTypes.CallStarted);
        var forA = Event(a, EventTypes.CallStarted);
        await EnqueueAsync(forB, forA);
        await clientB.WaitForAsync(m => PubSubClient.IsEvent(m, forB.Id), Wait, "B's event");
        await clientA.WaitForAsync(m => PubSubClient.IsEvent(m, forA.Id), Wait, "A's event");
        await SyncAsync(a, clientA);
        Assert.DoesNotContain(clientA.Seen, m => PubSubClient.IsEvent(m, forB.Id));
    }

    [Fact]
    public async Task Call_through_voice_host_is_announced_live_as_started_then_ended()
    {
        var tenant = await fixture.Api.SignupAsync("live-call");
        var agentId = await CreateAgentAsync(tenant);
        await using var client = await ConnectAsync(tenant);

        var callId = await MakeSilentCallAsync(fixture.Voice, tenant, agentId);

        var started = await client.WaitForEventAsync(EventTypes.CallStarted, d => d["data"]?["call_id"]?.GetValue<string>() == callId, Wait);
        var ended = await client.WaitForEventAsync(EventTypes.CallEnded, d => d["data"]?["call_id"]?.GetValue<string>() == callId, TimeSpan.FromSeconds(60));
        var seen = client.Seen.ToList();
        Assert.True(seen.IndexOf(started) < seen.IndexOf(ended), "call.started must arrive before call.ended");

        var startedData = started["data"]!;
        Assert.Equal($"call.started:{callId}", startedData["id"]!.GetValue<string>());
        Assert.Equal(agentId, startedData["data"]!["agent_id"]!.GetValue<string>());
        var endedData = ended["data"]!;
        Assert.Equal($"call.completed:{callId}", endedData["id"]!.GetValue<string>());
        Assert.Equal(("completed", "caller_ended"), (endedData["data"]!["status"]!.GetValue<string>(), endedData["data"]!["end_reason"]!.GetValue<string>()));
        // The same start time on both, to the millisecond.
        Assert.Equal(startedData["data"]!["started_at"]!.GetValue<string>(), endedData["data"]!["started_at"]!.GetValue<string>());
    }

    private async Task<JsonNode> NegotiateAsync(TenantSession tenant)
    {
        using var http = tenant.Client();
        return await TenantSession.Read(await http.GetAsync("realtime/negotiate"), 200);
    }

    private async Task<PubSubClient> ConnectAsync(TenantSession tenant)
    {
        var negotiated = await NegotiateAsync(tenant);
        var client = await PubSubClient.ConnectAsync(new Uri(negotiated["url"]!.GetValue<string>()));
        await client.WaitForAsync(m => m["event"]?.GetValue<string>() == "connected", Wait, "connected");
        return client;
    }

    private static PlatformEvent Event(TenantSession tenant, string type)
    {
        var callId = VoiceAgents.Core.Data.Ids.New();
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        return new PlatformEvent($"{type}:{callId}", type, now, tenant.TenantId, new JsonObject { ["call_id"] = callId, ["status"] = "completed" });
    }

    /// <summary>Sends the tenant one more event and waits until its client has it: everything sent before has arrived.</summary>
    private async Task SyncAsync(TenantSession tenant, PubSubClient client)
    {
        var marker = Event(tenant, EventTypes.CampaignProgress);
        await EnqueueAsync(marker);
        await client.WaitForAsync(m => PubSubClient.IsEvent(m, marker.Id), Wait, "the marker event");
    }

    private async Task EnqueueAsync(params PlatformEvent[] events)
    {
        var queue = fixture.Api.Services.GetRequiredService<IEventQueue>();
        foreach (var e in events) await queue.EnqueueAsync(e, CancellationToken.None);
    }
}

/// <summary>A deployment without Web PubSub still runs: negotiate says so with a 503 problem.</summary>
[Collection(ApiCollection.Name)]
public sealed class LiveUpdatesOffTests(ApiFixture api)
{
    [Fact]
    public async Task Negotiate_answers_503_when_no_web_pubsub_is_configured()
    {
        var tenant = await api.SignupAsync("live-off");
        using var http = tenant.Client();
        await Problems.AssertProblem(await http.GetAsync("realtime/negotiate"), 503);
    }
}
