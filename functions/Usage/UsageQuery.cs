using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Usage;

/// <summary>A usage question: whole UTC days from <see cref="From"/> up to <see cref="To"/> (exclusive), for the tenant, an agent, a campaign or both.</summary>
public sealed record UsageQuery(DateTime From, DateTime To, string? AgentId, string? CampaignId)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    /// <summary>
    /// The query for the parameters given: usage is kept per UTC day, so a time of day is refused rather than
    /// silently widened; without bounds, the <see cref="DefaultDays"/> days up to and including today.
    /// </summary>
    public static UsageQuery Of(DateTime? from, DateTime? to, string? agentId, string? campaignId, TimeProvider? time = null)
    {
        if (from is { } f && f.TimeOfDay != TimeSpan.Zero) throw new ValidationException("from", "must be a whole UTC day (usage is kept per day), such as 2026-03-01.");
        if (to is { } t && t.TimeOfDay != TimeSpan.Zero) throw new ValidationException("to", "must be a whole UTC day (usage is kept per day), such as 2026-04-01.");
        var end = to ?? (from is { } start ? start.AddDays(DefaultDays) : (time ?? TimeProvider.System).GetUtcNow().UtcDateTime.Date.AddDays(1));
        var begin = from ?? end.AddDays(-DefaultDays);
        if (begin >= end) throw new ValidationException("to", "must be after from.");
        if ((end - begin).TotalDays > MaxDays) throw new ValidationException("to", $"must be at most {MaxDays} days after from.");
        return new UsageQuery(DateTime.SpecifyKind(begin, DateTimeKind.Utc), DateTime.SpecifyKind(end, DateTimeKind.Utc), agentId, campaignId);
    }
}
