using System.Security.Cryptography;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace VoiceAgents.Core.Domain;

/// <summary>
/// The log of one event's delivery to one webhook. Its id is derived from (webhook id, event id), so the fan-out of a
/// redelivered event finds the same document, and a delivery that succeeded is never sent again.
/// </summary>
public sealed class WebhookDelivery : ITenantOwned, IListedNewestFirst
{
    [BsonRepresentation(BsonType.ObjectId)] public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string WebhookId { get; set; }
    public required string EventId { get; set; }
    public required string EventType { get; set; }
    public string Status { get; set; } = WebhookDeliveryStatus.Pending;

    /// <summary>HTTP attempts made so far, over every dequeue.</summary>
    public int Attempts { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }

    /// <summary>While set and in the future, one worker is sending this delivery; others leave it alone.</summary>
    public DateTime? ClaimedUntil { get; set; }

    /// <summary>The delivery id for an event and a webhook: 12 bytes of SHA-256, an ObjectId-shaped 24-hex string.</summary>
    public static string IdFor(string webhookId, string eventId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{webhookId}\n{eventId}")).AsSpan(0, 12));
}

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
