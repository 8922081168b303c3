using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>
/// The body of <c>POST /webhooks</c> and <c>PUT /webhooks/{id}</c>. PUT replaces url and events, and the secret only
/// when one is given. Without a secret, a create generates one.
/// </summary>
public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Secret);

/// <summary>A webhook. <c>secret</c> is present only in the answer to a create or a rotation, and never again.</summary>
public sealed record WebhookResponse(string Id, string Url, IReadOnlyList<string> Events, DateTime CreatedAt, DateTime UpdatedAt, string? Secret = null)
{
    public static WebhookResponse From(Webhook w, bool withSecret = false) =>
        new(w.Id, w.Url, w.Events, w.CreatedAt, w.UpdatedAt, withSecret ? w.Secret : null);
}

/// <summary>One event's delivery to a webhook, as its log shows it.</summary>
public sealed record WebhookDeliveryResponse(
    string Id,
    string EventId,
    string EventType,
    string Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? DeliveredAt)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d) =>
        new(d.Id, d.EventId, d.EventType, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedAt, d.UpdatedAt, d.DeliveredAt);
}

/// <summary>The result of <c>POST /webhooks/{id}/test</c>: one attempt, sent at once.</summary>
public sealed record WebhookTestResponse(string DeliveryId, string EventId, string Status, int? StatusCode, string? Error, double DurationMs);

/// <summary>
/// The <c>webhook-deliveries</c> message: one event for one webhook. The event travels whole, so delivery needs
/// nothing but the webhook's current URL and secret.
/// </summary>
public sealed record WebhookDeliveryMessage(string DeliveryId, string WebhookId, PlatformEvent Event);

public static class WebhookEvents
{
    /// <summary>The event <c>POST /webhooks/{id}/test</c> sends.</summary>
    public const string Test = "webhook.test";
}
