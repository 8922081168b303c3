using System.Net;
using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Dialer.DialerSteps;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// A tenant's own Twilio (sub)account, stored as its <c>twilio</c> provider credential: its campaigns are dialled on
/// it (its SID, token and caller id), while a tenant without one dials on the platform's; Twilio's webhooks about its
/// calls are verified with its token, and no tenant's token vouches for another's call.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class TenantTwilioAccountTests(TelephonyFixture f)
{
    private static async Task<(string Sid, string Token, string From)> OwnAccountAsync(TelephonyFixture f, TenantSession tenant)
    {
        var sid = "AC" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var token = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var from = "+1415557" + Random.Shared.Next(1000, 9999);
        f.Twilio.AddAccount(sid, token);
        using var client = tenant.Client();
        var stored = await TenantSession.Read(await client.PutAsync("provider-credentials/twilio",
            ApiFixture.Json(new { api_key = token, account_sid = sid, from_number = from })), 200);
        Assert.Equal(from, stored["from_number"]!.GetValue<string>());
        Assert.DoesNotContain(token, stored.ToJsonString());
        return (sid, token, from);
    }

    [Fact]
    public async Task A_tenant_with_its_own_account_is_dialled_on_it_while_another_is_dialled_on_the_platforms()
    {
        var own = await f.Api.SignupAsync("twilio-own");
        var plain = await f.Api.SignupAsync("twilio-platform");
        var account = await OwnAccountAsync(f, own);
        await LimitTenantAsync(f, own.TenantId, null, 1000);
        await LimitTenantAsync(f, plain.TenantId, null, 1000);
        var ownNumbers = Numbers(2);
        var plainNumbers = Numbers(2);
        await RunningCampaignAsync(own, await AgentAsync(own), ownNumbers);
        await RunningCampaignAsync(plain, await AgentAsync(plain), plainNumbers);
        var dialer = Dispatcher(f, new FakeTimeProvider(DateTimeOffset.UtcNow));

        await dialer.DispatchAsync(CancellationToken.None, own.TenantId);
        await dialer.DispatchAsync(CancellationToken.None, plain.TenantId);

        var ownCalls = PlacedTo(f, ownNumbers);
        Assert.Equal(2, ownCalls.Count);
        Assert.All(ownCalls, c => Assert.Equal((account.Sid, account.From), (c.AccountSid, c.From)));
        var plainCalls = PlacedTo(f, plainNumbers);
        Assert.Equal(2, plainCalls.Count);
        Assert.All(plainCalls, c => Assert.Equal((TwilioLoopback.AccountSid, TelephonyFixture.FromNumber), (c.AccountSid, c.From)));
    }

    [Fact]
    public async Task Status_callbacks_are_verified_with_the_token_of_the_calls_account_and_never_with_another_tenants()
    {
        var own = await f.Api.SignupAsync("twilio-hooks");
        var other = await f.Api.SignupAsync("twilio-victim");
        var account = await OwnAccountAsync(f, own);
        var ownNumbers = Numbers(1);
        var otherNumbers = Numbers(1);
        var ownCampaign = await RunningCampaignAsync(own, await AgentAsync(own), ownNumbers);
        var otherCampaign = await RunningCampaignAsync(other, await AgentAsync(other), otherNumbers);
        var dialer = Dispatcher(f, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await dialer.DispatchAsync(CancellationToken.None, own.TenantId);
        await dialer.DispatchAsync(CancellationToken.None, other.TenantId);
        var ownCallId = Assert.Single(await NumbersAsync(f, ownCampaign)).CallId!;
        var otherCallId = Assert.Single(await NumbersAsync(f, otherCampaign)).CallId!;
        using var http = new HttpClient();

        async Task<HttpStatusCode> StatusAsync(string callId, string accountSid, string token)
        {
            var (target, publicUrl) = f.Webhook($"twilio/status?call_id={callId}");
            var form = new Dictionary<string, string> { ["AccountSid"] = accountSid, ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"), ["CallStatus"] = "ringing" };
            using var response = await TwilioLoopback.PostWebhookAsync(http, target, publicUrl, form, TwilioLoopback.Sign(publicUrl, form, token));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(ownCallId, account.Sid, account.Token));
        // The platform's calls of any tenant are still the platform's to report on.
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(otherCallId, TwilioLoopback.AccountSid, TwilioLoopback.AuthToken));
        // The tenant's account, rightly signed, about another tenant's call: refused.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(otherCallId, account.Sid, account.Token));
        // The tenant's account named, the platform's token used: refused.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(ownCallId, account.Sid, TwilioLoopback.AuthToken));
    }
}
