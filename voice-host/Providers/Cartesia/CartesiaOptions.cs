namespace VoiceAgents.VoiceHost.Providers.Cartesia;

/// <summary>Cartesia settings (section <c>Providers:Cartesia</c>).</summary>
public sealed class CartesiaOptions
{
    public const string Section = "Providers:Cartesia";
    public const string DefaultBaseUrl = "wss://api.cartesia.ai";

    /// <summary>Sent as the <c>api_key</c> query parameter of the WebSocket handshake.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The WebSocket root that <c>/tts/websocket</c> is under.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    public string Model { get; set; } = "sonic-3";

    /// <summary>The API version, sent as <c>cartesia_version</c> and <c>Cartesia-Version</c>.</summary>
    public string Version { get; set; } = "2025-04-16";

    /// <summary>The voice id used when the agent names none.</summary>
    public string? Voice { get; set; }

    /// <summary>Longest wait for the connection, for the first audio, and between two messages.</summary>
    [Positive] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An idle connection kept this long is reused by the next sentence, saving the handshake.</summary>
    public TimeSpan IdleConnectionLifetime { get; set; } = TimeSpan.FromSeconds(60);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
