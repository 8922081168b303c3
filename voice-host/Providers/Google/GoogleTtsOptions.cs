namespace VoiceAgents.VoiceHost.Providers.Google;

/// <summary>Google Cloud Text-to-Speech settings (section <c>Providers:Google</c>).</summary>
public sealed class GoogleTtsOptions
{
    public const string Section = "Providers:Google";
    public const string DefaultBaseUrl = "https://texttospeech.googleapis.com";

    /// <summary>An API key restricted to the Text-to-Speech API, sent as the <c>key</c> query parameter.</summary>
    public string? ApiKey { get; set; }

    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Longest wait for the response.</summary>
    [Positive] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
