using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>A delivery that failed this time; the queue brings it back, and after its last dequeue moves it to the poison queue.</summary>
public sealed class WebhookDeliveryFailedException(string message) : Exception(message);

/// <summary>
/// Delivers one <see cref="WebhookDeliveryMessage"/>: skips a delivery that already succeeded, claims it so two copies
/// of the message never send at once, POSTs with Polly retries, and records the outcome in the delivery log. A failure
/// escapes so the queue redelivers; on the last dequeue the log says <c>failed</c> first. A target the SSRF guard
/// refuses is marked failed at once, as no retry could help.
/// </summary>
public sealed partial class WebhookDeliveryHandler(
    MongoContext db, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDeliveryHandler> log)
{
    public async Task HandleAsync(WebhookDeliveryMessage message, long dequeueCount, CancellationToken ct)
    {
        var e = message.Event;
        var id = Ids.Parse(message.DeliveryId, "delivery_id");
        var webhook = await db.Webhooks.Find(w => w.Id == message.WebhookId && w.TenantId == e.TenantId).FirstOrDefaultAsync(ct);
        if (webhook is null)
        {
            // Deleted since the event fanned out; its delivery logs went with it.
            LogWebhookGone(e.Id, message.WebhookId);
            return;
        }

        var claimed = await ClaimAsync(id, ct);
        if (claimed is null)
        {
            var current = await db.WebhookDeliveries.Find(d => d.Id == id).FirstOrDefaultAsync(ct);
            if (current is null || current.Status == WebhookDeliveryStatus.Succeeded)
            {
                LogSkipped(e.Id, webhook.Id, current?.Status ?? "missing");
                return;
            }
            throw new WebhookDeliveryFailedException($"Delivery {id} of event {e.Id} is being sent by another worker; trying again later.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(e.ToPayload(), JsonDefaults.Options);
        DeliveryOutcome outcome;
        try
        {
            outcome = await sender.DeliverAsync(webhook, e.Id, e.Type, body, ct);
        }
        catch
        {
            // Stopping: hand the delivery back at once rather than after the claim's lease.
            await db.WebhookDeliveries.UpdateOneAsync(d => d.Id == id, Builders<WebhookDelivery>.Update.Unset(d => d.ClaimedUntil), cancellationToken: CancellationToken.None);
            throw;
        }
        var last = outcome.Refused || dequeueCount >= options.Value.MaxDequeueCount;
        var status = outcome.Succeeded ? WebhookDeliveryStatus.Succeeded : last ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        await RecordAsync(id, status, outcome, ct);

        if (outcome.Succeeded)
        {
            LogDelivered(e.Id, webhook.Id, outcome.StatusCode ?? 0, outcome.Attempts);
            return;
        }
        if (outcome.Refused)
        {
            LogRefused(e.Id, webhook.Id, outcome.Error);
            return;
        }
        throw new WebhookDeliveryFailedException(
            $"Delivery of event {e.Id} to webhook {webhook.Id} failed after {outcome.Attempts} attempts (dequeue {dequeueCount} of {options.Value.MaxDequeueCount}): {outcome.Error}");
    }

    /// <summary>Takes the delivery for as long as a whole round of attempts can take, unless it succeeded or another worker holds it.</summary>
    private async Task<WebhookDelivery?> ClaimAsync(string id, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var lease = o.Timeout * (o.Retries + 1) + o.RetryDelay * Math.Pow(2, Math.Max(0, o.Retries)) * 2 + TimeSpan.FromSeconds(30);
        var f = Builders<WebhookDelivery>.Filter;
        return await db.WebhookDeliveries.FindOneAndUpdateAsync(
            f.Eq(d => d.Id, id) & f.Ne(d => d.Status, WebhookDeliveryStatus.Succeeded) & (f.Eq(d => d.ClaimedUntil, null) | f.Lt(d => d.ClaimedUntil, now)),
            Builders<WebhookDelivery>.Update.Set(d => d.ClaimedUntil, now + lease),
            new FindOneAndUpdateOptions<WebhookDelivery> { ReturnDocument = ReturnDocument.After }, ct);
    }

    private async Task RecordAsync(string id, string status, DeliveryOutcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var update = Builders<WebhookDelivery>.Update
            .Set(d => d.Status, status)
            .Inc(d => d.Attempts, outcome.Attempts)
            .Set(d => d.LastStatusCode, outcome.StatusCode)
            .Set(d => d.LastError, outcome.Error)
            .Set(d => d.UpdatedAt, now)
            .Unset(d => d.ClaimedUntil);
        if (outcome.Succeeded) update = update.Set(d => d.DeliveredAt, now);
        // Cancellation must not leave the claim behind for its whole lease: record even when the host is stopping.
        await db.WebhookDeliveries.UpdateOneAsync(d => d.Id == id, update, cancellationToken: CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} delivered to webhook {WebhookId}: HTTP {StatusCode} after {Attempts} attempts")]
    private partial void LogDelivered(string eventId, string webhookId, int statusCode, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} for webhook {WebhookId} not sent again: delivery is {Status}")]
    private partial void LogSkipped(string eventId, string webhookId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} not delivered: webhook {WebhookId} was deleted")]
    private partial void LogWebhookGone(string eventId, string webhookId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} to webhook {WebhookId} refused by the SSRF guard: {Error}")]
    private partial void LogRefused(string eventId, string webhookId, string? error);
}
