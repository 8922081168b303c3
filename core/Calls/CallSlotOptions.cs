using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Core.Calls;

/// <summary>The <c>CallSlots</c> settings, read by the dialer and voice-host alike, so both count against one cap.</summary>
public sealed class CallSlotOptions
{
    public const string Section = "CallSlots";

    /// <summary>Concurrent calls per tenant (browser, inbound and dialled) when the tenant has no <c>max_concurrent_calls</c> of its own.</summary>
    [Range(1, 100_000)] public int TenantMaxConcurrentCalls { get; set; } = 10;

    /// <summary>
    /// How long a voice-host's slot stays taken without the instance renewing it: the slots of an instance that
    /// died come back after at most this long. The live instance renews its slots every third of it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "1.00:00:00")] public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(3);
}
