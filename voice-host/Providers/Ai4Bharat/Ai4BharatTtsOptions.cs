namespace VoiceAgents.VoiceHost.Providers.Ai4Bharat;

/// <summary>Settings of a self-hosted AI4Bharat Indic-TTS server (section <c>Providers:Ai4Bharat</c>).</summary>
public sealed class Ai4BharatTtsOptions
{
    public const string Section = "Providers:Ai4Bharat";

    /// <summary>
    /// The URL the request is POSTed to: the root of an Indic-TTS <c>uvicorn server:api</c> (<c>http://host:5050/</c>),
    /// or a Dhruva-style inference URL (<c>https://host/services/inference/tts</c>). No default: it is self-hosted.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Optional; sent as the <c>Authorization</c> header (as Dhruva expects) when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Optional; sent as <c>config.serviceId</c> (Dhruva picks the model by it).</summary>
    public string? ServiceId { get; set; }

    /// <summary>Used when the agent names no voice: <c>female</c> or <c>male</c>.</summary>
    public string Gender { get; set; } = "female";

    /// <summary>Longest wait for the response; the server synthesizes the whole sentence before answering.</summary>
    [Positive] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}
