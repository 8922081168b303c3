using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.VoiceHost.Providers.Deepgram;

/// <summary>Deepgram live speech-to-text (section <c>Providers:Deepgram</c>).</summary>
public sealed class DeepgramSttOptions
{
    public const string Section = "Providers:Deepgram";

    /// <summary>Sent as <c>Authorization: Token &lt;key&gt;</c>; the provider is not configured without it.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Scheme and host of the streaming API; <c>/v1/listen</c> is appended.</summary>
    [Required] public string BaseUrl { get; set; } = "wss://api.deepgram.com";

    [Required] public string Model { get; set; } = "nova-3";

    /// <summary>Punctuation, casing, numerals and dates formatted (Deepgram's <c>smart_format</c> and <c>punctuate</c>).</summary>
    public bool SmartFormat { get; set; } = true;

    /// <summary>The WebSocket handshake must finish within this.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>Finalize</c> may take to come back with the utterance's last result.</summary>
    public TimeSpan FinalizeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A <c>KeepAlive</c> goes out after this much time without audio. Deepgram closes a socket that has been sent
    /// nothing for 10 s (NET-0001) and recommends one every 3 to 5 s.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a send of audio or a control message may block before the connection is given up.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
