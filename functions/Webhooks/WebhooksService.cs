using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>The management API of a tenant's webhooks and their delivery logs.</summary>
public sealed class WebhooksService(
    MongoContext db, CurrentUser current, TimeProvider time, SsrfGuard targets, WebhookSender sender, IOptions<WebhookOptions> options)
{
    public async Task<Page<WebhookResponse>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var filter = Builders<Webhook>.Filter.Eq(w => w.TenantId, current.TenantId);
        return await db.Webhooks.PageAsync(filter, page, w => WebhookResponse.From(w), ct);
    }

    public async Task<WebhookResponse> GetAsync(string id, CancellationToken ct) => WebhookResponse.From(await FindAsync(id, ct));

    public async Task<WebhookResponse> CreateAsync(WebhookRequest request, CancellationToken ct)
    {
        var valid = await WebhookValidator.ValidateAsync(request, targets, ct);
        var now = Now();
        var webhook = new Webhook
        {
            Id = Ids.New(),
            TenantId = current.TenantId,
            Url = valid.Url,
            Events = valid.Events,
            Secret = valid.Secret ?? WebhookSignature.NewSecret(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await TakeSlotAsync(ct);
        try
        {
            await db.Webhooks.InsertOneAsync(webhook, cancellationToken: ct);
        }
        catch
        {
            await ReturnSlotAsync(CancellationToken.None);
            throw;
        }
        return WebhookResponse.From(webhook, withSecret: true);
    }

    public async Task<WebhookResponse> UpdateAsync(string id, WebhookRequest request, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var valid = await WebhookValidator.ValidateAsync(request, targets, ct);
        var update = Builders<Webhook>.Update.Set(w => w.Url, valid.Url).Set(w => w.Events, valid.Events).Set(w => w.UpdatedAt, Now());
        if (valid.Secret is not null) update = update.Set(w => w.Secret, valid.Secret);
        return WebhookResponse.From(await UpdateOneAsync(id, update, ct));
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var result = await db.Webhooks.DeleteOneAsync(w => w.Id == id && w.TenantId == current.TenantId, ct);
        if (result.DeletedCount == 0) throw new NotFoundException("Webhook");
        await ReturnSlotAsync(ct);
        await db.WebhookDeliveries.DeleteManyAsync(d => d.TenantId == current.TenantId && d.WebhookId == id, ct);
    }

    /// <summary>Replaces the secret with a new one and returns it, once. Deliveries sign with it from now on.</summary>
    public async Task<WebhookResponse> RotateSecretAsync(string id, CancellationToken ct)
    {
        var update = Builders<Webhook>.Update.Set(w => w.Secret, WebhookSignature.NewSecret()).Set(w => w.UpdatedAt, Now());
        return WebhookResponse.From(await UpdateOneAsync(Ids.Parse(id), update, ct), withSecret: true);
    }

    /// <summary>Sends a <c>webhook.test</c> event to the webhook now (one attempt, no retries) and logs the delivery.</summary>
    public async Task<WebhookTestResponse> TestAsync(string id, CancellationToken ct)
    {
        var webhook = await FindAsync(id, ct);
        var now = Now();
        var e = new PlatformEvent($"{WebhookEvents.Test}:{Ids.New()}", WebhookEvents.Test, now, current.TenantId, new JsonObject
        {
            ["webhook_id"] = webhook.Id,
            ["message"] = "A test event from VoiceAgents.",
        });
        var started = Stopwatch.GetTimestamp();
        var outcome = await sender.PostAsync(webhook, e.Id, e.Type, JsonSerializer.SerializeToUtf8Bytes(e.ToPayload(), JsonDefaults.Options), ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var delivery = new WebhookDelivery
        {
            Id = WebhookDelivery.IdFor(webhook.Id, e.Id),
            TenantId = current.TenantId,
            WebhookId = webhook.Id,
            EventId = e.Id,
            EventType = e.Type,
            Status = outcome.Succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed,
            Attempts = 1,
            LastStatusCode = outcome.StatusCode,
            LastError = outcome.Error,
            CreatedAt = now,
            UpdatedAt = Now(),
            DeliveredAt = outcome.Succeeded ? Now() : null,
        };
        await db.WebhookDeliveries.InsertOneAsync(delivery, cancellationToken: ct);
        return new WebhookTestResponse(delivery.Id, e.Id, delivery.Status, outcome.StatusCode, outcome.Error, Math.Round(elapsed.TotalMilliseconds, 1));
    }

    /// <summary>The webhook's deliveries, newest first, by cursor.</summary>
    public async Task<Page<WebhookDeliveryResponse>> ListDeliveriesAsync(string id, PageRequest page, CancellationToken ct)
    {
        var webhook = await FindAsync(id, ct);
        var f = Builders<WebhookDelivery>.Filter;
        var filter = f.Eq(d => d.TenantId, current.TenantId) & f.Eq(d => d.WebhookId, webhook.Id);
        return await db.WebhookDeliveries.PageAsync(filter, page, WebhookDeliveryResponse.From, ct);
    }

    /// <summary>
    /// Counts a new webhook against the tenant's cap with one conditional <c>$inc</c>, so concurrent creates can never
    /// pass it together. A tenant from before the cap has no counter: it is started from the webhooks it has, once.
    /// </summary>
    private async Task TakeSlotAsync(CancellationToken ct)
    {
        var max = options.Value.MaxPerTenant;
        var f = Builders<Tenant>.Filter;
        var slot = f.Eq(t => t.Id, current.TenantId) & f.Lt(t => t.WebhookCount, max);
        var inc = Builders<Tenant>.Update.Inc(t => t.WebhookCount, 1);
        if ((await db.Tenants.UpdateOneAsync(slot, inc, cancellationToken: ct)).ModifiedCount == 1) return;
        // No counter yet: start it from the webhooks the tenant has. Of concurrent starters one wins and the others
        // find it set; either way the slot is then taken (or refused) by the same conditional $inc.
        var count = (int)await db.Webhooks.CountDocumentsAsync(w => w.TenantId == current.TenantId, cancellationToken: ct);
        await db.Tenants.UpdateOneAsync(f.Eq(t => t.Id, current.TenantId) & f.Eq(t => t.WebhookCount, null),
            Builders<Tenant>.Update.Set(t => t.WebhookCount, count), cancellationToken: ct);
        if ((await db.Tenants.UpdateOneAsync(slot, inc, cancellationToken: ct)).ModifiedCount == 1) return;
        throw new ConflictException($"This organization already has {max} webhooks, the most it may have. Delete one before adding another.");
    }

    private Task ReturnSlotAsync(CancellationToken ct) =>
        db.Tenants.UpdateOneAsync(t => t.Id == current.TenantId && t.WebhookCount > 0, Builders<Tenant>.Update.Inc(t => t.WebhookCount, -1), cancellationToken: ct);

    private async Task<Webhook> UpdateOneAsync(string id, UpdateDefinition<Webhook> update, CancellationToken ct) =>
        await db.Webhooks.FindOneAndUpdateAsync(w => w.Id == id && w.TenantId == current.TenantId, update,
            new FindOneAndUpdateOptions<Webhook> { ReturnDocument = ReturnDocument.After }, ct)
        ?? throw new NotFoundException("Webhook");

    private async Task<Webhook> FindAsync(string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        return await db.Webhooks.Find(w => w.Id == id && w.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Webhook");
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
