using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Telemetry;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>
/// Turns a platform event into one delivery per subscribed webhook of its tenant: a delivery log (upserted under an id
/// derived from webhook and event, so a redelivered event finds it again) and a <c>webhook-deliveries</c> message.
/// A delivery that already succeeded is not enqueued again.
/// </summary>
public sealed partial class WebhookFanOut(
    MongoContext db, QueueServiceClient queues, IOptions<QueueOptions> options, TimeProvider time, ILogger<WebhookFanOut> log) : IEventHandler
{
    private volatile bool _created;

    public async Task HandleAsync(PlatformEvent e, CancellationToken ct)
    {
        if (!EventTypes.Subscribable.Contains(e.Type)) return;
        var webhooks = await db.Webhooks.Find(Builders<Webhook>.Filter.Eq(w => w.TenantId, e.TenantId) & Builders<Webhook>.Filter.AnyEq(w => w.Events, e.Type))
            .Project<Webhook>(Builders<Webhook>.Projection.Include(w => w.Id)).ToListAsync(ct);
        if (webhooks.Count == 0) return;

        var queue = queues.GetQueueClient(options.Value.WebhookDeliveriesQueue);
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            _created = true;
        }
        foreach (var webhookId in webhooks.Select(w => w.Id))
        {
            var delivery = await UpsertAsync(webhookId, e, ct);
            if (delivery.Status == WebhookDeliveryStatus.Succeeded)
            {
                LogAlreadyDelivered(e.Id, webhookId);
                continue;
            }
            // Under event.dispatch's span, so the delivery continues the call's trace.
            var message = new WebhookDeliveryMessage(delivery.Id, webhookId, e with { TraceParent = Tracing.CurrentTraceParent() ?? e.TraceParent });
            await queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, JsonDefaults.Options)), cancellationToken: ct);
        }
        LogFannedOut(e.Id, e.Type, webhooks.Count);
    }

    private async Task<WebhookDelivery> UpsertAsync(string webhookId, PlatformEvent e, CancellationToken ct)
    {
        var id = WebhookDelivery.IdFor(webhookId, e.Id);
        var now = time.GetUtcNow().UtcDateTime;
        var insert = Builders<WebhookDelivery>.Update
            .SetOnInsert(d => d.TenantId, e.TenantId)
            .SetOnInsert(d => d.WebhookId, webhookId)
            .SetOnInsert(d => d.EventId, e.Id)
            .SetOnInsert(d => d.EventType, e.Type)
            .SetOnInsert(d => d.Status, WebhookDeliveryStatus.Pending)
            .SetOnInsert(d => d.Attempts, 0)
            .SetOnInsert(d => d.CreatedAt, now)
            .SetOnInsert(d => d.UpdatedAt, now);
        var upsert = new FindOneAndUpdateOptions<WebhookDelivery> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        try
        {
            return await db.WebhookDeliveries.FindOneAndUpdateAsync(d => d.Id == id, insert, upsert, ct);
        }
        catch (MongoCommandException x) when (x.Code == 11000)
        {
            // Two copies of the event raced to insert: the other one won, so the document is there now.
            return await db.WebhookDeliveries.Find(d => d.Id == id).FirstAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} ({Type}) fanned out to {Webhooks} webhooks")]
    private partial void LogFannedOut(string eventId, string type, int webhooks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} already delivered to webhook {WebhookId}; not enqueued again")]
    private partial void LogAlreadyDelivered(string eventId, string webhookId);
}
