using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Transfer;
using static VoiceAgents.Tests.Dialer.DialerSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// An inbound phone call starts with its number's variables, and <c>transfer_call</c> hands it to a destination:
/// once the agent has ended its part, the live call is redirected with Twilio's "update a call" (loopback) to
/// <c>&lt;Dial&gt;</c> the destination, and the call log records reason <c>transferred</c>, the destination and the variables.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class TransferCallTests(TelephonyFixture f)
{
    [Fact]
    public async Task An_inbound_call_greets_with_its_numbers_variables_and_transfer_call_redirects_it_to_dial_the_destination()
    {
        var tenant = await f.Api.SignupAsync("transfer");
        using var client = tenant.Client();
        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline("Front desk", new
        {
            first_message = "Hello {{ name }} {{ lastName }}, you are calling from {{ caller.phone_number }}.",
            transfer_destinations = new[] { new { name = "sales", phone_number = "+14155550111", message = "Putting you through to sales." } },
        }));
        var number = "+1415556" + Random.Shared.Next(1000, 9999);
        using (var operatorClient = f.Api.OperatorClient())
        {
            await TenantSession.Read(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/numbers/{Uri.EscapeDataString(number)}", null), 200);
        }
        await TenantSession.Read(await client.PutAsync($"inbound-numbers/{Uri.EscapeDataString(number)}", ApiFixture.Json(new JsonObject
        {
            ["agent_id"] = agentId,
            ["variables"] = new JsonObject { ["name"] = "Asha", ["lastName"] = "Rao" },
        })), 200);
        using var http = new HttpClient();
        var twiml = await TwilioLoopback.PostWebhookAsync(http, f.Webhook("twilio/voice").Target, TelephonyFixture.PublicBaseUrl + "/api/twilio/voice",
            TwilioLoopback.InboundCallForm(number, from: "+442071838750"));
        var parameters = XDocument.Parse(await twiml.Content.ReadAsStringAsync()).Root!.Element("Connect")!.Element("Stream")!
            .Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        var callId = parameters["call_id"];

        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri);
        await phone.StartAsync(parameters);
        await StreamSilenceUntilAsync(phone, () => f.Voice.Services.GetRequiredService<ActiveCalls>().Live.Any(c => c.Context.CallId == callId), TimeSpan.FromSeconds(10), "the call to start");
        var call = f.Voice.Services.GetRequiredService<ActiveCalls>().Live.Single(c => c.Context.CallId == callId);
        // The greeting, played to its end, is in the call's transcript.
        bool Greeted()
        {
            lock (call.Context.Transcript) return call.Context.Transcript.Any(t => t.Speaker == "assistant" && t.Text.StartsWith("Hello Asha Rao", StringComparison.Ordinal));
        }
        await StreamSilenceUntilAsync(phone, Greeted, TimeSpan.FromSeconds(30), "the greeting");

        // The model calls transfer_call; the tool loop ends the call after the hand-off line (ToolResult.EndsCall).
        var tools = new List<ICallTool>();
        foreach (var source in f.Voice.Services.GetServices<IToolSource>()) tools.AddRange(await source.ToolsForAsync(call.Context, CancellationToken.None));
        var transfer = Assert.Single(tools, t => t.Definition.Name == TransferCallTool.Name);
        var result = await transfer.InvokeAsync(new ToolInvocation(call.Context, "call_1", """{"destination":"sales"}"""), CancellationToken.None);
        Assert.True(result.Ok && result.EndsCall, result.ToJson());
        Assert.DoesNotContain(f.Twilio.Updates, u => u.Sid == phone.CallSid);
        call.Finish("agent_hang_up");
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var update = Assert.Single(f.Twilio.Updates, u => u.Sid == phone.CallSid);
        Assert.Equal("<Response><Dial>+14155550111</Dial></Response>", update.Form["Twiml"]);
        CallLog? log = null;
        await Eventually.Assert(async () =>
        {
            log = await Db(f).CallLogs.Find(c => c.Id == callId).FirstOrDefaultAsync();
            Assert.Equal(CallStatus.Completed, log?.Status);
        }, TimeSpan.FromSeconds(30));
        Assert.Equal((CallEndReasons.Transferred, "sales", "+442071838750"), (log!.EndReason, log.TransferredTo, log.PhoneNumber));
        // A camelCase name stays as the tenant wrote it (the queue message and the event do not snake_case it).
        Assert.Equal(new Dictionary<string, string> { ["name"] = "Asha", ["lastName"] = "Rao" }, log.Variables);
        var transcript = await TenantSession.Read(await client.GetAsync($"transcripts/{callId}"), 200);
        Assert.Contains(transcript["turns"]!.AsArray(), t => t!["speaker"]!.GetValue<string>() == "assistant"
            && t["text"]!.GetValue<string>().StartsWith("Hello Asha Rao", StringComparison.Ordinal));
        PlatformEvent? completed = null;
        await Eventually.Assert(async () => completed = Assert.Single(await f.EventsAsync(), e => e.Type == EventTypes.CallCompleted && e.Data["call_id"]!.GetValue<string>() == callId), TimeSpan.FromSeconds(10));
        Assert.Equal(("transferred", "sales", "Asha"), (completed!.Data["end_reason"]!.GetValue<string>(), completed.Data["transferred_to"]!.GetValue<string>(), completed.Data["variables"]!["name"]!.GetValue<string>()));
        Assert.Equal("Rao", completed.Data["variables"]!["lastName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_call_on_the_tenants_own_twilio_account_is_answered_and_redirected_on_that_account()
    {
        var tenant = await f.Api.SignupAsync("transfer-own");
        using var client = tenant.Client();
        var (sid, token) = ("AC" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));
        f.Twilio.AddAccount(sid, token);
        await TenantSession.Read(await client.PutAsync("provider-credentials/twilio", ApiFixture.Json(new { api_key = token, account_sid = sid })), 200);
        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline("Own desk", new
        {
            first_message = "Hello.",
            transfer_destinations = new[] { new { name = "sales", phone_number = "+14155550111" } },
        }));
        var number = "+1415558" + Random.Shared.Next(1000, 9999);
        using (var operatorClient = f.Api.OperatorClient())
        {
            await TenantSession.Read(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/numbers/{Uri.EscapeDataString(number)}", null), 200);
        }
        await TenantSession.Read(await client.PutAsync($"inbound-numbers/{Uri.EscapeDataString(number)}", ApiFixture.Json(new { agent_id = agentId })), 200);
        using var http = new HttpClient();
        var publicUrl = TelephonyFixture.PublicBaseUrl + "/api/twilio/voice";
        var form = new Dictionary<string, string>(TwilioLoopback.InboundCallForm(number)) { ["AccountSid"] = sid };

        // Signed with the platform's token while naming the tenant's account: refused; with the tenant's: answered.
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await TwilioLoopback.PostWebhookAsync(http, f.Webhook("twilio/voice").Target, publicUrl, form)).StatusCode);
        var twiml = await TwilioLoopback.PostWebhookAsync(http, f.Webhook("twilio/voice").Target, publicUrl, form, TwilioLoopback.Sign(publicUrl, form, token));
        var parameters = XDocument.Parse(await twiml.Content.ReadAsStringAsync()).Root!.Element("Connect")!.Element("Stream")!
            .Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        var callId = parameters["call_id"];
        await using var phone = await MediaStreamClient.ConnectAsync(f.MediaStreamUri, sid);
        await phone.StartAsync(parameters);
        await StreamSilenceUntilAsync(phone, () => f.Voice.Services.GetRequiredService<ActiveCalls>().Live.Any(c => c.Context.CallId == callId), TimeSpan.FromSeconds(10), "the call to start");
        var call = f.Voice.Services.GetRequiredService<ActiveCalls>().Live.Single(c => c.Context.CallId == callId);

        var tools = new List<ICallTool>();
        foreach (var source in f.Voice.Services.GetServices<IToolSource>()) tools.AddRange(await source.ToolsForAsync(call.Context, CancellationToken.None));
        var result = await Assert.Single(tools, t => t.Definition.Name == TransferCallTool.Name)
            .InvokeAsync(new ToolInvocation(call.Context, "call_1", """{"destination":"sales"}"""), CancellationToken.None);
        Assert.True(result.Ok && result.EndsCall, result.ToJson());
        call.Finish("agent_hang_up");
        await phone.Closed.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var update = Assert.Single(f.Twilio.Updates, u => u.Sid == phone.CallSid);
        Assert.Equal(sid, update.AccountSid);
        await Eventually.Assert(async () => Assert.Equal(CallEndReasons.Transferred, (await Db(f).CallLogs.Find(c => c.Id == callId).FirstOrDefaultAsync())?.EndReason),
            TimeSpan.FromSeconds(30));
    }

    /// <summary>The line stays open (silence, 100 ms at a time) until the condition holds.</summary>
    private static async Task StreamSilenceUntilAsync(MediaStreamClient phone, Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await phone.StreamSilenceAsync(TimeSpan.FromMilliseconds(100));
        }
    }
}
