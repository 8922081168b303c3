namespace VoiceAgents.Core.Telephony;

/// <summary>The <c>Twilio</c> settings. Secrets come from configuration (Key Vault in Azure), never from code.</summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    public string AccountSid { get; set; } = "";
    public string AuthToken { get; set; } = "";

    /// <summary>The caller id of outbound calls: a number of the Twilio account, in E.164.</summary>
    public string FromNumber { get; set; } = "";

    /// <summary>The Function App's public address (<c>https://x.azurewebsites.net</c>); callbacks go to <c>{it}/api/twilio/...</c>.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>voice-host's Media Streams endpoint, <c>wss://voice.example.com/twilio</c>.</summary>
    public string MediaStreamUrl { get; set; } = "";

    /// <summary>Twilio's REST API; only tests point it elsewhere (a loopback server speaking the same API).</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>How long the signed token a stream carries stays valid: long enough for the callee to pick up.</summary>
    public TimeSpan StreamTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public bool Configured => AccountSid.Length > 0 && AuthToken.Length > 0;

    /// <summary>The public URL of one of the app's routes under <c>/api</c>.</summary>
    public Uri Callback(string route) => new($"{PublicBaseUrl.TrimEnd('/')}/api/{route.TrimStart('/')}");
}
