namespace VoiceAgents.Functions.Dialer;

/// <summary>
/// The <c>Dialer</c> settings: defaults for the limits a tenant or campaign does not set itself. The tenant's
/// concurrent-call cap is shared with voice-host: <c>CallSlots:TenantMaxConcurrentCalls</c> (core's <c>CallSlotOptions</c>).
/// </summary>
public sealed class DialerOptions
{
    public const string Section = "Dialer";

    /// <summary>The app setting that holds the dispatcher's NCRONTAB schedule (default every 2 seconds).</summary>
    public const string ScheduleSetting = "DialerSchedule";
    public const string DefaultSchedule = "*/2 * * * * *";

    public double TenantCallsPerSecond { get; set; } = 1;
    public int CampaignMaxConcurrentCalls { get; set; } = 5;
    public int MaxAttempts { get; set; } = 2;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a placed call may go without its provider reporting it answered before its claim is taken back.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an answered call may go without its final status before its claim is taken back.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(45);

    /// <summary>At most this many calls are placed by one run of the dispatcher.</summary>
    public int MaxCallsPerRun { get; set; } = 1000;

    /// <summary>Tenants dispatched at once within a run.</summary>
    public int Parallelism { get; set; } = 4;
}
