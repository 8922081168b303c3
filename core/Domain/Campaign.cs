using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

public sealed class Campaign : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public required string AgentId { get; set; }
    public List<string> PhoneNumbers { get; set; } = [];
    /// <summary>Variables per number (a number here is also in <see cref="PhoneNumbers"/>).</summary>
    public List<CampaignContact> Contacts { get; set; } = [];
    [BsonRepresentation(BsonType.String)] public CampaignStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The dialer's limits for this campaign; unset values take the <c>Dialer:*</c> defaults.</summary>
    public DialerSettings? Dialer { get; set; }
    /// <summary>Whether every number has its <see cref="CampaignNumber"/>; an edit of the numbers clears it.</summary>
    public bool NumbersSeeded { get; set; }
    /// <summary>Calls of this campaign placed and not yet ended: its concurrency slots.</summary>
    public int ActiveCalls { get; set; }
    public DateTime? CompletedAt { get; set; }
}

public enum CampaignStatus
{
    Draft,
    Running,
    Paused,
    Completed,
    Cancelled,
}

/// <summary>A campaign's dialing limits. Null means the configured default.</summary>
public sealed class DialerSettings
{
    /// <summary>Concurrent calls of this campaign (default 5).</summary>
    public int? MaxConcurrentCalls { get; set; }
    /// <summary>Attempts per number for busy, no-answer and failed calls (default 2).</summary>
    public int? MaxAttempts { get; set; }
    /// <summary>Seconds between attempts at one number (default 120).</summary>
    public int? RetryDelaySeconds { get; set; }
    /// <summary>When calls may be placed, in the window's time zone; null means any time.</summary>
    public CallingWindow? CallingWindow { get; set; }
}

/// <summary>A daily window such as 09:00 to 18:00 in an IANA time zone; an end before the start spans midnight.</summary>
public sealed class CallingWindow
{
    public string Start { get; set; } = "09:00";
    public string End { get; set; } = "18:00";
    public string TimeZone { get; set; } = "UTC";

    public bool Contains(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        var t = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var start = TimeOnly.ParseExact(Start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var end = TimeOnly.ParseExact(End, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return start <= end ? t >= start && t < end : t >= start || t < end;
    }
}
