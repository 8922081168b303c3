namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// What a transport knows of a call as it starts. A null <paramref name="CallId"/> gets a new one.
/// <paramref name="Variables"/> are the call's, merged from its sources; <paramref name="ProviderCallId"/> is the
/// telephony provider's id of a phone call (Twilio's CallSid), which a transfer redirects on the account the call is on
/// (<paramref name="ProviderAccountId"/>, Twilio's AccountSid). <paramref name="Transport"/>
/// names how the caller is connected, the key its minutes are counted under.
/// </summary>
public sealed record CallStart(
    string? CallId, string TenantId, int OutputRate, string? CampaignId, string? PhoneNumber, int Attempt = 1,
    IReadOnlyDictionary<string, string>? Variables = null, string? ProviderCallId = null, string Transport = CallStart.WebSocketTransport,
    string? ProviderAccountId = null)
{
    public const string WebSocketTransport = "websocket";
    public const string TwilioTransport = "twilio";
}
