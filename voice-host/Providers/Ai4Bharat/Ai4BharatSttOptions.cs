using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.VoiceHost.Providers.Ai4Bharat;

/// <summary>A self-hosted AI4Bharat IndicConformer ASR server (section <c>Providers:Ai4Bharat</c>); see Providers/Ai4Bharat/README.md.</summary>
public sealed class Ai4BharatSttOptions
{
    public const string Section = "Providers:Ai4Bharat";

    /// <summary>Scheme, host and port of the server; the provider is not configured without it.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The ASR inference route, as Dhruva serves it.</summary>
    [Required] public string Path { get; set; } = "/services/inference/asr";

    /// <summary>Sent as the <c>serviceId</c> query parameter and in the config, when the server hosts several models.</summary>
    public string? ServiceId { get; set; }

    /// <summary>Sent raw in the <c>Authorization</c> header (with <c>x-auth-source: API_KEY</c>) when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The language when the agent names none (ISO 639 code such as <c>hi</c>, <c>ta</c>).</summary>
    [Required] public string DefaultLanguage { get; set; } = "hi";

    /// <summary>The whole request, first byte and body, must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}
