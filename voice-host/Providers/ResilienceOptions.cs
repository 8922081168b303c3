namespace VoiceAgents.VoiceHost.Providers;

/// <summary>Retry, timeout and circuit-breaker settings for vendor calls (section "Providers:Resilience").</summary>
public sealed class ResilienceOptions
{
    public const string Section = "Providers:Resilience";

    /// <summary>Retries of a connection or a request that failed before its first result.</summary>
    public int Retries { get; set; } = 2;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one attempt may take to connect or to produce its first result.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The breaker opens after this many failed calls in a row (within <see cref="SamplingDuration"/>)…</summary>
    public int BreakerFailures { get; set; } = 5;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>…and stays open this long, while the agent's fallback provider is used.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);
}
