using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Net;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>The webhooks API. Every member may read; only admins change webhooks, see secrets or send tests.</summary>
public sealed class WebhooksFunctions(WebhooksService webhooks)
{
    private const string PageQuery = "limit:integer:1 to 200, default 50";
    private const string CursorQuery = "cursor:string:next_cursor of the previous page";

    [Function("ListWebhooks")]
    [OpenApiOperation("webhooks", "List webhooks, newest first (secrets are never listed)", null, typeof(Page<WebhookResponse>), QueryParameters = [PageQuery, CursorQuery])]
    public async Task<Ok<Page<WebhookResponse>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.ListAsync(PageRequest.From(req), ct));

    [Function("CreateWebhook")]
    [Authorize(Roles = Roles.Admin)]
    [OpenApiOperation("webhooks", "Create a webhook (admins only); the answer carries the secret, shown this once", typeof(WebhookRequest), typeof(WebhookResponse), 201,
        Errors = ["409:The organization has as many webhooks as it may (Webhooks__MaxPerTenant, 20)"])]
    public async Task<Created<WebhookResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks")] HttpRequest req, CancellationToken ct)
    {
        var webhook = await webhooks.CreateAsync(await RequestBody.ReadAsync<WebhookRequest>(req, ct), ct);
        return TypedResults.Created($"/api/webhooks/{webhook.Id}", webhook);
    }

    [Function("GetWebhook")]
    [OpenApiOperation("webhooks", "Get a webhook (without its secret)", null, typeof(WebhookResponse))]
    public async Task<Ok<WebhookResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.GetAsync(id, ct));

    [Function("UpdateWebhook")]
    [Authorize(Roles = Roles.Admin)]
    [OpenApiOperation("webhooks", "Replace a webhook's url and events, and its secret when one is given (admins only)", typeof(WebhookRequest), typeof(WebhookResponse))]
    public async Task<Ok<WebhookResponse>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "webhooks/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.UpdateAsync(id, await RequestBody.ReadAsync<WebhookRequest>(req, ct), ct));

    [Function("DeleteWebhook")]
    [Authorize(Roles = Roles.Admin)]
    [OpenApiOperation("webhooks", "Delete a webhook and its delivery log (admins only)", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "webhooks/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await webhooks.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    [Function("RotateWebhookSecret")]
    [Authorize(Roles = Roles.Admin)]
    [OpenApiOperation("webhooks", "Replace the signing secret; the answer carries the new one, shown this once (admins only)", null, typeof(WebhookResponse))]
    public async Task<Ok<WebhookResponse>> RotateSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{id}/rotate-secret")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.RotateSecretAsync(id, ct));

    [Function("TestWebhook")]
    [Authorize(Roles = Roles.Admin)]
    [OpenApiOperation("webhooks", "Send a webhook.test event now, once, and answer how it went (admins only)", null, typeof(WebhookTestResponse))]
    public async Task<Ok<WebhookTestResponse>> Test(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/{id}/test")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.TestAsync(id, ct));

    [Function("ListWebhookDeliveries")]
    [OpenApiOperation("webhooks", "A webhook's deliveries, newest first, by cursor", null, typeof(Page<WebhookDeliveryResponse>), QueryParameters = [PageQuery, CursorQuery])]
    public async Task<Ok<Page<WebhookDeliveryResponse>>> Deliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhooks/{id}/deliveries")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.ListDeliveriesAsync(id, PageRequest.From(req), ct));
}

/// <summary>
/// Delivers webhooks from the queue named by the app setting <c>WebhookDeliveriesQueue</c> (default
/// <c>webhook-deliveries</c>). A failed delivery escapes, so the host redelivers it after visibilityTimeout and, after
/// maxDequeueCount, moves it to <c>webhook-deliveries-poison</c>.
/// </summary>
public sealed class WebhookDeliveryFunctions(WebhookDeliveryHandler deliveries)
{
    [Function("DeliverWebhook")]
    public async Task DeliverWebhook(
        [QueueTrigger("%" + QueueNames.WebhookDeliveriesSetting + "%")] WebhookDeliveryMessage message, FunctionContext context, CancellationToken ct)
    {
        using var activity = Tracing.StartFromMessage("webhook.deliver", System.Diagnostics.ActivityKind.Client, message.Event.TraceParent, (string?)message.Event.Data["call_id"]);
        activity?.SetTag("event_type", message.Event.Type).SetTag("webhook_id", message.WebhookId);
        await deliveries.HandleAsync(message, DequeueCount(context), ct);
    }

    /// <summary>The queue trigger's <c>DequeueCount</c> (1 on the first delivery), as the host and the local runner supply it.</summary>
    public static long DequeueCount(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("DequeueCount", out var value) ? value switch
        {
            long l => l,
            int i => i,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.Number } n => n.GetInt64(),
            JsonElement { ValueKind: JsonValueKind.String } n when long.TryParse(n.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 1,
        } : 1;
}

public static class WebhooksFeature
{
    public static IServiceCollection AddWebhooksFeature(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .PostConfigure<IConfiguration>(WebhookOptions.ResolveMaxDequeueCount);
        services.AddSingleton(sp => new SsrfGuard(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<IEventHandler, WebhookFanOut>();
        services.AddScoped<WebhooksService>();
        services.AddScoped<WebhookDeliveryHandler>();
        return services;
    }
}
