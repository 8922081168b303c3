using Microsoft.Extensions.Options;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Dialer;

namespace VoiceAgents.Tests.Telephony;

/// <summary>The Twilio SDK driven against Twilio's documented REST API on loopback.</summary>
public sealed class TwilioTelephonyTests : IAsyncLifetime
{
    private static readonly TelephonyAccount Platform = new(TwilioLoopback.AccountSid, TwilioLoopback.AuthToken, "+15005550006", null);
    private TwilioLoopback _twilio = default!;
    private TwilioTelephony _telephony = default!;

    public async Task InitializeAsync()
    {
        _twilio = await TwilioLoopback.StartAsync();
        _telephony = new TwilioTelephony(Options.Create(new TwilioOptions
        {
            AccountSid = TwilioLoopback.AccountSid, AuthToken = TwilioLoopback.AuthToken, FromNumber = "+15005550006",
            PublicBaseUrl = "https://app.example.test", MediaStreamUrl = "wss://voice.example.test/twilio", ApiBaseUrl = _twilio.BaseUri.ToString(),
        }));
    }

    public async Task DisposeAsync()
    {
        _telephony.Dispose();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task Places_a_call_with_the_documented_form_fields_and_returns_twilios_call_sid()
    {
        var sid = await _telephony.PlaceCallAsync(new OutboundCall(Platform, "+14155550100", "+15005550006",
            new Uri("https://app.example.test/api/twilio/voice?call_id=abc"), new Uri("https://app.example.test/api/twilio/status?call_id=abc"), true), CancellationToken.None);

        var call = Assert.Single(_twilio.Calls);
        Assert.Equal(call.Sid, sid);
        Assert.Matches("^CA[0-9a-f]{32}$", sid);
        Assert.Equal(("+14155550100", "+15005550006"), (call.To, call.From));
        Assert.Equal("https://app.example.test/api/twilio/voice?call_id=abc", call.Form["Url"]);
        Assert.Equal("POST", call.Form["Method"]);
        Assert.Equal("https://app.example.test/api/twilio/status?call_id=abc", call.Form["StatusCallback"]);
        Assert.Equal("Enable", call.Form["MachineDetection"]);
    }

    [Fact]
    public async Task A_call_twilio_refuses_raises_a_telephony_exception_with_its_code()
    {
        _twilio.Refused["+14155550199"] = true;

        var e = await Assert.ThrowsAsync<TelephonyException>(() => _telephony.PlaceCallAsync(new OutboundCall(Platform, "+14155550199", "+15005550006",
            new Uri("https://app.example.test/a"), new Uri("https://app.example.test/b"), false), CancellationToken.None));

        Assert.Contains("21211", e.Message);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_by_twilio_and_reported()
    {
        var wrong = Platform with { AuthToken = "wrong-token" };

        var e = await Assert.ThrowsAsync<TelephonyException>(() => _telephony.PlaceCallAsync(new OutboundCall(wrong, "+14155550100", "+15005550006",
            new Uri("https://app.example.test/a"), new Uri("https://app.example.test/b"), false), CancellationToken.None));

        Assert.Contains("20003", e.Message);
        Assert.Empty(_twilio.Calls);
    }

    [Fact]
    public async Task A_tenants_own_account_places_its_call_under_its_sid_and_token_and_another_accounts_sid_is_refused()
    {
        var own = new TelephonyAccount("AC" + new string('7', 32), "tenant-token-0123456789abcdef0123", "+15005550010", "tenant-a");
        _twilio.AddAccount(own.AccountSid, own.AuthToken);

        await _telephony.PlaceCallAsync(new OutboundCall(own, "+14155550100", "+15005550010",
            new Uri("https://app.example.test/a"), new Uri("https://app.example.test/b"), false), CancellationToken.None);
        var e = await Assert.ThrowsAsync<TelephonyException>(() => _telephony.PlaceCallAsync(new OutboundCall(own with { AuthToken = TwilioLoopback.AuthToken }, "+14155550100", "+15005550010",
            new Uri("https://app.example.test/a"), new Uri("https://app.example.test/b"), false), CancellationToken.None));

        Assert.Equal(own.AccountSid, Assert.Single(_twilio.Calls).AccountSid);
        Assert.Contains("20003", e.Message);
        Assert.DoesNotContain(own.AuthToken, own.ToString());
    }

    [Fact]
    public void Accepts_only_callbacks_signed_with_the_auth_token_over_the_url_and_sorted_parameters()
    {
        const string url = "https://app.example.test/api/twilio/status?call_id=abc";
        var form = new Dictionary<string, string> { ["CallSid"] = "CA1", ["CallStatus"] = "completed", ["AccountSid"] = TwilioLoopback.AccountSid };

        Assert.True(_telephony.ValidateCallback(Platform, url, form, TwilioLoopback.Sign(url, form)));
        Assert.False(_telephony.ValidateCallback(Platform, url, form, null));
        Assert.False(_telephony.ValidateCallback(Platform, url, form, TwilioLoopback.Sign(url, form, "another-token")));
        Assert.False(_telephony.ValidateCallback(Platform, url + "x", form, TwilioLoopback.Sign(url, form)));
        Assert.False(_telephony.ValidateCallback(Platform, url, new Dictionary<string, string>(form) { ["CallStatus"] = "busy" }, TwilioLoopback.Sign(url, form)));
    }
}
