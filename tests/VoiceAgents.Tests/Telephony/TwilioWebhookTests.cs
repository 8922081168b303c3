using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Driver;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Dialer.DialerSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>Twilio calling the app back: the answer webhook's TwiML and the status callback, both signed.</summary>
[Collection(TelephonyCollection.Name)]
public sealed class TwilioWebhookTests(TelephonyFixture f)
{
    /// <summary>A campaign with one number, dialled once: the call as Twilio was asked to place it.</summary>
    private async Task<(TenantSession Tenant, string AgentId, string CampaignId, PlacedCall Call)> PlaceOneAsync(object? voicemail = null)
    {
        var tenant = await f.Api.SignupAsync("twilio");
        var agent = await AgentAsync(tenant, voicemail);
        var numbers = Numbers(1);
        var campaign = await RunningCampaignAsync(tenant, agent, numbers);
        await Dispatcher(f, new FakeTimeProvider(DateTimeOffset.UtcNow)).DispatchAsync(CancellationToken.None, tenant.TenantId);
        return (tenant, agent, campaign, Assert.Single(PlacedTo(f, numbers)));
    }

    /// <summary>Where the runner serves a URL Twilio was given (the public address stands for the runner).</summary>
    private Uri Target(string publicUrl) => new(f.Api.BaseAddress, publicUrl[(TelephonyFixture.PublicBaseUrl.Length + "/api/".Length)..]);

    private static Dictionary<string, string> CallForm(PlacedCall call, params (string Key, string Value)[] extra)
    {
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = TwilioLoopback.AccountSid,
            ["CallSid"] = call.Sid,
            ["From"] = call.From,
            ["To"] = call.To,
            ["Direction"] = "outbound-api",
            ["ApiVersion"] = "2010-04-01",
        };
        foreach (var (k, v) in extra) form[k] = v;
        return form;
    }

    [Fact]
    public async Task The_dialer_asks_twilio_for_the_call_with_answer_and_status_webhooks()
    {
        var (_, _, _, call) = await PlaceOneAsync();

        Assert.Equal(TelephonyFixture.FromNumber, call.From);
        Assert.StartsWith($"{TelephonyFixture.PublicBaseUrl}/api/twilio/voice?call_id=", call.Form["Url"]);
        Assert.StartsWith($"{TelephonyFixture.PublicBaseUrl}/api/twilio/status?call_id=", call.Form["StatusCallback"]);
        Assert.Equal("POST", call.Form["StatusCallbackMethod"]);
        Assert.Contains("completed", call.Form["StatusCallbackEvent"]);
        Assert.False(call.Form.ContainsKey("MachineDetection"));
    }

    [Fact]
    public async Task Answer_webhook_returns_twiml_that_streams_the_call_to_voice_host_with_a_signed_token()
    {
        var (tenant, agent, campaign, call) = await PlaceOneAsync();
        using var http = new HttpClient();

        var response = await TwilioLoopback.PostWebhookAsync(http, Target(call.Form["Url"]), call.Form["Url"], CallForm(call, ("CallStatus", "in-progress")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/xml", response.Content.Headers.ContentType!.ToString());
        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var stream = twiml.Root!.Element("Connect")!.Element("Stream")!;
        Assert.Equal(TelephonyFixture.MediaStreamUrl, stream.Attribute("url")!.Value);
        var parameters = stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        Assert.Equal(CallId(call), parameters["call_id"]);
        Assert.Equal(agent, parameters["agent_id"]);
        Assert.Equal(tenant.TenantId, parameters["tenant_id"]);
        var grant = await f.StreamTokens.ValidateAsync(parameters["token"]);
        Assert.NotNull(grant);
        Assert.Equal((CallId(call), tenant.TenantId, agent, campaign, call.To, 1), (grant.CallId, grant.TenantId, grant.AgentId, grant.CampaignId, grant.PhoneNumber, grant.Attempt));
    }

    [Fact]
    public async Task Status_callbacks_without_a_valid_signature_are_refused_with_403()
    {
        var (_, _, campaign, call) = await PlaceOneAsync();
        var url = call.Form["StatusCallback"];
        var form = CallForm(call, ("CallStatus", "busy"));
        using var http = new HttpClient();

        var unsigned = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, form, signature: "");
        var forged = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, form, TwilioLoopback.Sign(url, form, "not-the-auth-token-0123456789abc"));
        var tampered = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, CallForm(call, ("CallStatus", "completed")), TwilioLoopback.Sign(url, form));
        var otherUrl = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, form, TwilioLoopback.Sign(url.Replace("call_id=", "call_id=0"), form));
        var forgedAnswer = await TwilioLoopback.PostWebhookAsync(http, Target(call.Form["Url"]), call.Form["Url"], CallForm(call), signature: "AAAA");

        Assert.All(new[] { unsigned, forged, tampered, otherUrl, forgedAnswer }, r => Assert.Equal(403, (int)r.StatusCode));
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType!.MediaType);
        var number = Assert.Single(await NumbersAsync(f, campaign));
        Assert.Equal((NumberStatus.InProgress, 1), (number.Status, number.Attempts));
    }

    [Fact]
    public async Task A_signed_busy_callback_ends_the_attempt_and_schedules_the_retry()
    {
        var (_, _, campaign, call) = await PlaceOneAsync();
        var url = call.Form["StatusCallback"];
        using var http = new HttpClient();

        var ringing = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, CallForm(call, ("CallStatus", "ringing")));
        var busy = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, CallForm(call, ("CallStatus", "busy"), ("CallDuration", "0")));
        var again = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, CallForm(call, ("CallStatus", "busy"), ("CallDuration", "0")));

        Assert.All(new[] { ringing, busy, again }, r => Assert.Equal(204, (int)r.StatusCode));
        var number = Assert.Single(await NumbersAsync(f, campaign));
        Assert.Equal((NumberStatus.Pending, "busy"), (number.Status, number.LastOutcome));
        Assert.InRange(number.NextAttemptAt, DateTime.UtcNow.AddSeconds(100), DateTime.UtcNow.AddSeconds(130));
        var row = await Db(f).CallLogs.Find(c => c.Id == CallId(call)).FirstAsync();
        Assert.Equal((CallStatus.Busy, 1), (row.Status, row.Attempt));
        Assert.Equal(0, (await Db(f).Campaigns.Find(c => c.Id == campaign).FirstAsync()).ActiveCalls);
    }

    [Fact]
    public async Task An_answering_machine_gets_the_agents_voicemail_message_or_a_hang_up()
    {
        var leave = await PlaceOneAsync(new { machine_detection = true, action = "leave_message", message = "Hi, this is Acme. Please call us back." });
        var hangUp = await PlaceOneAsync(new { machine_detection = true, action = "hang_up" });
        using var http = new HttpClient();

        var leaveTwiml = await TwilioLoopback.PostWebhookAsync(http, Target(leave.Call.Form["Url"]), leave.Call.Form["Url"], CallForm(leave.Call, ("AnsweredBy", "machine_end_beep")));
        var hangUpTwiml = await TwilioLoopback.PostWebhookAsync(http, Target(hangUp.Call.Form["Url"]), hangUp.Call.Form["Url"], CallForm(hangUp.Call, ("AnsweredBy", "machine_start")));

        Assert.Equal("DetectMessageEnd", leave.Call.Form["MachineDetection"]);
        Assert.Equal("Enable", hangUp.Call.Form["MachineDetection"]);
        var said = XDocument.Parse(await leaveTwiml.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Hi, this is Acme. Please call us back.", said.Element("Say")!.Value);
        Assert.NotNull(said.Element("Hangup"));
        Assert.Null(said.Element("Connect"));
        var hung = XDocument.Parse(await hangUpTwiml.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["Hangup"], hung.Elements().Select(e => e.Name.LocalName).ToArray());

        // The completed callback says who answered: the number is done, as a machine.
        var url = leave.Call.Form["StatusCallback"];
        await TwilioLoopback.PostWebhookAsync(http, Target(url), url, CallForm(leave.Call, ("CallStatus", "completed"), ("AnsweredBy", "machine_end_beep")));
        var number = Assert.Single(await NumbersAsync(f, leave.CampaignId));
        Assert.Equal((NumberStatus.Done, "machine"), (number.Status, number.LastOutcome));
        Assert.Equal("answering_machine", (await Db(f).CallLogs.Find(c => c.Id == CallId(leave.Call)).FirstAsync()).EndReason);
    }

    [Fact]
    public async Task Voicemail_settings_are_validated_and_returned_with_the_agent()
    {
        var tenant = await f.Api.SignupAsync("voicemail");
        using var client = tenant.Client();
        async Task<System.Text.Json.Nodes.JsonNode> PostAsync(object voicemail, int status)
        {
            var agent = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TenantSession.ValidAgent(), Core.Json.JsonDefaults.Options))!.AsObject();
            agent["voicemail"] = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(voicemail, Core.Json.JsonDefaults.Options));
            return await TenantSession.Read(await client.PostAsync("agents", ApiFixture.RawJson(agent.ToJsonString())), status);
        }

        var noMessage = await PostAsync(new { machine_detection = true, action = "leave_message" }, 400);
        var badAction = await PostAsync(new { machine_detection = true, action = "sing" }, 400);
        var good = await PostAsync(new { machine_detection = true, action = "leave_message", message = "Please call back." }, 201);

        Assert.True(noMessage["errors"]!.AsObject().ContainsKey("voicemail.message"));
        Assert.True(badAction["errors"]!.AsObject().ContainsKey("voicemail.action"));
        Assert.Equal((true, "leave_message", "Please call back."), (good["voicemail"]!["machine_detection"]!.GetValue<bool>(),
            good["voicemail"]!["action"]!.GetValue<string>(), good["voicemail"]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_inbound_call_to_a_mapped_number_streams_to_its_agent_and_others_are_not_in_service()
    {
        var tenant = await f.Api.SignupAsync("inbound");
        var agent = await AgentAsync(tenant);
        var number = Numbers(1)[0];
        using (var operatorClient = f.Api.OperatorClient())
        {
            await TenantSession.Read(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/numbers/{Uri.EscapeDataString(number)}", null), 200);
        }
        using var client = tenant.Client();
        await TenantSession.Read(await client.PutAsync($"inbound-numbers/{Uri.EscapeDataString(number)}", ApiFixture.Json(new { agent_id = agent })), 200);
        var other = await f.Api.SignupAsync("inbound-other");
        using var otherClient = other.Client();
        var taken = await otherClient.PutAsync($"inbound-numbers/{Uri.EscapeDataString(number)}", ApiFixture.Json(new { agent_id = await AgentAsync(other) }));
        const string url = TelephonyFixture.PublicBaseUrl + "/api/twilio/voice";
        using var http = new HttpClient();
        var mapped = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, TwilioLoopback.InboundCallForm(number));
        var unmapped = await TwilioLoopback.PostWebhookAsync(http, Target(url), url, TwilioLoopback.InboundCallForm("+15005550001"));

        // Another organization's number is not found, as a number nobody holds would be.
        await Problems.AssertNotFound(taken);
        var stream = XDocument.Parse(await mapped.Content.ReadAsStringAsync()).Root!.Element("Connect")!.Element("Stream")!;
        var parameters = stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);
        Assert.Equal((agent, tenant.TenantId), (parameters["agent_id"], parameters["tenant_id"]));
        var grant = await f.StreamTokens.ValidateAsync(parameters["token"]);
        Assert.Equal(("+442071838750", (string?)null), (grant!.PhoneNumber, grant.CampaignId));
        Assert.Contains("not in service", XDocument.Parse(await unmapped.Content.ReadAsStringAsync()).Root!.Element("Say")!.Value);
    }
}
