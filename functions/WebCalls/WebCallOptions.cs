using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Functions.WebCalls;

/// <summary>The <c>WebCalls</c> settings: where browsers reach voice-host, and how long a call token lasts.</summary>
public sealed class WebCallOptions
{
    public const string Section = "WebCalls";

    /// <summary>voice-host's public <c>/ws</c> URL, returned as <c>ws_url</c>.</summary>
    [Required] public string VoiceUrl { get; set; } = "ws://127.0.0.1:7860/ws";

    /// <summary>How long a call token may wait for its call; tests shorten it to see one expire.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
