using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>Settings of the offline TTS (section "Providers:LocalTts").</summary>
public sealed class LocalTtsOptions
{
    public const string Section = "Providers:LocalTts";

    /// <summary>How many syntheses run at once, each on a thread of its own; 0 (the default) is two per CPU core.</summary>
    [Range(0, 64)] public int Workers { get; set; }
}
