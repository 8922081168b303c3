using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.VoiceHost.Providers.Google;

/// <summary>Google Cloud Speech-to-Text v1 (section <c>Providers:Google</c>).</summary>
public sealed class GoogleSttOptions
{
    public const string Section = "Providers:Google";

    /// <summary>An API key, sent as the <c>key</c> query parameter; the provider is not configured without it.</summary>
    public string? ApiKey { get; set; }

    [Required] public string BaseUrl { get; set; } = "https://speech.googleapis.com";

    /// <summary>Google's recognition model (<c>latest_short</c>, <c>phone_call</c> ...); Google's default when empty.</summary>
    public string? Model { get; set; }

    public bool EnableAutomaticPunctuation { get; set; } = true;

    /// <summary>The language when the agent names none (BCP-47).</summary>
    [Required] public string DefaultLanguage { get; set; } = "en-US";

    /// <summary>The whole recognize request, first byte and body, must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
