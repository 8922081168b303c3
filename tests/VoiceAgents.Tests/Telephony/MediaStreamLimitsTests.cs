using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Dialer;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Calls;
using static VoiceAgents.Tests.Dialer.DialerSteps;
using static VoiceAgents.Tests.Telephony.MediaStreamSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>The limits of <c>/twilio</c>: audio bounded by real time, message size, the media format, and concurrent calls shared with the dialer.</summary>
[Collection(TelephonyCollection.Name)]
public sealed class MediaStreamLimitsTests(TelephonyFixture f)
{
    private async Task<int> ActiveCallsOfAsync(TenantSession tenant) =>
        (await Db(f).Tenants.Find(t => t.Id == tenant.TenantId).FirstAsync()).ActiveCalls;

    private bool Live(string callId) => f.Voice.Services.GetRequiredService<ActiveCalls>().Live.Any(c => c.Context.CallId == callId);

    /// <summary>The parameters TwiML gives an inbound call's stream: a grant without a campaign.</summary>
    private Dictionary<string, string> Inbound(TenantSession tenant, string agentId)
    {
        var callId = Ids.New();
        return new()
        {
            ["call_id"] = callId,
            ["agent_id"] = agentId,
            ["tenant_id"] = tenant.TenantId,
            ["token"] = f.StreamTokens.Create(new StreamGrant(callId, tenant.TenantId, agentId, null, "+14155550111", 1)),
        };
    }

    [Fact]
    public async Task A_stream_flooding_audio_is_closed_with_4429_and_its_call_is_still_stored()
    {
        var (tenant, agent) = await AgentAsync(f, "phone-flood");
        var (_, _, parameters) = await DialAsync(f, tenant, agent);
        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);

        await phone.FloodAsync(3000);
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4429, (int)phone.CloseStatus!);
        Assert.Contains("faster than real time", phone.CloseReason, StringComparison.Ordinal);

        using var client = tenant.Client();
        await Eventually.Assert(async () =>
        {
            var log = await TenantSession.Read(await client.GetAsync($"call-logs/{parameters["call_id"]}"), 200);
            Assert.Equal(("failed", "audio_too_fast"), (log["status"]!.GetValue<string>(), log["end_reason"]?.GetValue<string>()));
        }, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_oversized_message_closes_the_stream_with_1009_before_and_after_start()
    {
        var (tenant, agent) = await AgentAsync(f, "phone-big");
        var huge = "{\"event\":\"media\",\"media\":{\"payload\":\"" + new string('A', 70_000) + "\"}}";
        await using (var early = await MediaStreamClient.ConnectAsync(f.MediaStreamUri))
        {
            await early.SendTextAsync(huge);
            await early.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, early.CloseStatus);
        }

        var (_, _, parameters) = await DialAsync(f, tenant, agent);
        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        await Eventually.Assert(() => Assert.True(Live(parameters["call_id"])), TimeSpan.FromSeconds(10));
        await phone.SendTextAsync(huge);
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, phone.CloseStatus);
        Assert.Contains("must not exceed", phone.CloseReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"8000\"")]
    [InlineData("8000.5")]
    [InlineData("16000")]
    public async Task A_start_whose_sample_rate_is_not_the_number_8000_closes_with_4400(string sampleRate)
    {
        var (tenant, agent) = await AgentAsync(f, "phone-format");
        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(Inbound(tenant, agent), JsonNode.Parse($$"""{"encoding":"audio/x-mulaw","sampleRate":{{sampleRate}},"channels":1}"""));
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4400, (int)phone.CloseStatus!);
        Assert.Contains("sampleRate", phone.CloseReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dialled_call_holds_one_tenant_slot_and_a_browser_or_inbound_call_over_the_cap_is_refused_with_1013()
    {
        var (tenant, agent) = await AgentAsync(f, "phone-cap");
        await LimitTenantAsync(f, tenant.TenantId, maxConcurrent: 1, callsPerSecond: null);
        var (_, _, parameters) = await DialAsync(f, tenant, agent);
        Assert.Equal(1, await ActiveCallsOfAsync(tenant));

        // The dialer's call holds the tenant's only slot: a browser call is refused at auth...
        await using (var browser = await VoiceClient.ConnectAsync(f.Voice.WebSocketUri))
        {
            await browser.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agent });
            await browser.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1013, (int)browser.CloseStatus!);
            Assert.Contains("tenant's limit of 1 concurrent calls", browser.CloseReason, StringComparison.Ordinal);
        }
        // ...and so is an inbound phone call, at the start of its stream.
        await using (var inbound = await MediaStreamClient.ConnectAsync(f.MediaStreamUri))
        {
            await inbound.StartAsync(Inbound(tenant, agent));
            await inbound.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1013, (int)inbound.CloseStatus!);
        }

        // The dialled call's own stream is let in without a second slot.
        await using (var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri))
        {
            await phone.StartAsync(parameters);
            await Eventually.Assert(() => Assert.True(Live(parameters["call_id"])), TimeSpan.FromSeconds(10));
            Assert.Equal(1, await ActiveCallsOfAsync(tenant));
            await phone.StopAsync();
            await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        // Twilio's status callback ends the attempt and gives the dialer's slot back.
        Assert.True(await Dispatcher(f, TimeProvider.System).FinishAttemptAsync(parameters["call_id"], CallOutcomes.Completed, "completed", CancellationToken.None));
        Assert.Equal(0, await ActiveCallsOfAsync(tenant));

        // Now an inbound call gets in, holds the slot while it lasts and gives it back at its end.
        var inboundCall = Inbound(tenant, agent);
        await using (var inbound = await MediaStreamClient.ConnectAsync(f.MediaStreamUri))
        {
            await inbound.StartAsync(inboundCall);
            await Eventually.Assert(() => Assert.True(Live(inboundCall["call_id"])), TimeSpan.FromSeconds(10));
            Assert.Equal(1, await ActiveCallsOfAsync(tenant));
            await inbound.StopAsync();
            await inbound.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await Eventually.Assert(async () => Assert.Equal(0, await ActiveCallsOfAsync(tenant)), TimeSpan.FromSeconds(10));
    }
}
