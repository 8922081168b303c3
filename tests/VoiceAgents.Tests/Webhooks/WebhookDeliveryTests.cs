using System.Text.Json.Nodes;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Queues;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;
using static VoiceAgents.Tests.Webhooks.WebhookSteps;

namespace VoiceAgents.Tests.Webhooks;

/// <summary>
/// Events fanned out to webhooks through the events and webhook-deliveries queues of a real runner, delivered to
/// loopback receivers, with Polly retries inside a dequeue and the queue's redelivery and poison queue around them.
/// </summary>
[Collection(WebhooksCollection.Name)]
public sealed class WebhookDeliveryTests(WebhooksFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private ApiFixture Api => fixture.Api;

    [Fact]
    public async Task Endpoint_returning_500_then_200_logs_exactly_one_success_with_a_signature_the_receiver_verifies()
    {
        var tenant = await Api.SignupAsync("webhooks-500-200");
        await using var receiver = await Receiver.StartAsync(500);
        var webhook = await CreateWebhookAsync(tenant, receiver.Url, EventTypes.CallStarted);
        var id = webhook["id"]!.GetValue<string>();

        var e = await PublishAsync(Api, tenant, EventTypes.CallStarted);

        var delivery = await WaitForDeliveryAsync(tenant, id, e.Id, "succeeded", Timeout);
        Assert.Equal((2, 200), (delivery["attempts"]!.GetValue<int>(), delivery["last_status_code"]!.GetValue<int>()));
        Assert.False(delivery.AsObject().ContainsKey("last_error"));
        Assert.True(delivery.AsObject().ContainsKey("delivered_at"));
        await DrainedAsync(Api.WebhookDeliveriesQueue, Timeout);
        Assert.Single(await DeliveriesAsync(tenant, id));

        // Both attempts carried the same event and idempotency id; each was signed, and the receiver's check passes.
        Assert.Equal(2, receiver.Requests.Count);
        var secret = webhook["secret"]!.GetValue<string>();
        foreach (var request in receiver.Requests)
        {
            Assert.True(Receiver.Verify(request, secret), $"signature {request.Header("X-Signature")} does not verify");
            Assert.Equal(e.Id, request.Header("Idempotency-Key"));
            var payload = JsonNode.Parse(request.Body)!;
            Assert.Equal((e.Id, EventTypes.CallStarted), (payload["id"]!.GetValue<string>(), payload["type"]!.GetValue<string>()));
            Assert.Equal(e.Data["call_id"]!.GetValue<string>(), payload["data"]!["call_id"]!.GetValue<string>());
            Assert.False(payload.AsObject().ContainsKey("tenant_id"));
        }
        // A tampered body or another secret does not verify.
        var last = receiver.Requests[^1];
        Assert.False(Receiver.Verify(last with { Body = last.Body.Replace(e.Id, e.Id + "x", StringComparison.Ordinal) }, secret));
        Assert.False(Receiver.Verify(last, secret + "x"));
    }

    [Fact]
    public async Task Delivery_continues_the_events_trace_with_a_traceparent_header()
    {
        var tenant = await Api.SignupAsync("webhooks-trace");
        await using var receiver = await Receiver.StartAsync();
        var webhook = await CreateWebhookAsync(tenant, receiver.Url, EventTypes.CallStarted);
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom();
        var parent = $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01";

        var e = await PublishAsync(Api, tenant, EventTypes.CallStarted, traceParent: parent);

        await WaitForDeliveryAsync(tenant, webhook["id"]!.GetValue<string>(), e.Id, "succeeded", Timeout);
        var header = Assert.Single(receiver.Requests).Header("traceparent");
        Assert.NotNull(header);
        Assert.Equal(traceId.ToString(), header.Split('-')[1]);
        Assert.NotEqual(parent, header);
    }

    [Fact]
    public async Task Endpoint_failing_past_the_polly_retries_is_delivered_on_a_queue_redelivery()
    {
        var tenant = await Api.SignupAsync("webhooks-redelivered");
        // The first dequeue's attempts all fail (a 502, then a 429); the second dequeue gets a 503, then a 200.
        await using var receiver = await Receiver.StartAsync(502, 429, 503);
        var id = (await CreateWebhookAsync(tenant, receiver.Url, EventTypes.CallStarted))["id"]!.GetValue<string>();

        var e = await PublishAsync(Api, tenant, EventTypes.CallStarted);

        var delivery = await WaitForDeliveryAsync(tenant, id, e.Id, "succeeded", Timeout);
        Assert.Equal(4, delivery["attempts"]!.GetValue<int>());
        await DrainedAsync(Api.WebhookDeliveriesQueue, Timeout);
        Assert.Equal(4, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(e.Id, r.Header("X-Webhook-Id")));
        await AssertNotPoisonedAsync(e.Id);
    }

    [Fact]
    public async Task Permanently_failing_endpoint_ends_failed_in_the_log_and_poisoned_while_other_webhooks_still_get_events()
    {
        var tenant = await Api.SignupAsync("webhooks-poison");
        var attempts = WebhooksFixture.MaxDequeueCount * WebhooksFixture.AttemptsPerDequeue;
        await using var broken = await Receiver.StartAsync(Enumerable.Repeat(500, 100).ToArray());
        await using var healthy = await Receiver.StartAsync();
        var brokenId = (await CreateWebhookAsync(tenant, broken.Url, EventTypes.CallStarted))["id"]!.GetValue<string>();
        var healthyId = (await CreateWebhookAsync(tenant, healthy.Url, EventTypes.CallStarted))["id"]!.GetValue<string>();

        var e = await PublishAsync(Api, tenant, EventTypes.CallStarted);

        await WaitForDeliveryAsync(tenant, healthyId, e.Id, "succeeded", Timeout);
        var failed = await WaitForDeliveryAsync(tenant, brokenId, e.Id, "failed", Timeout);
        Assert.Equal((attempts, 500), (failed["attempts"]!.GetValue<int>(), failed["last_status_code"]!.GetValue<int>()));
        Assert.Contains("500", failed["last_error"]!.GetValue<string>(), StringComparison.Ordinal);
        var poison = Queue(QueueNames.Poison(Api.WebhookDeliveriesQueue));
        await Eventually.Assert(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            var peeked = (await poison.PeekMessagesAsync(32)).Value;
            var message = Assert.Single(peeked, m => m.Body.ToString().Contains(e.Id, StringComparison.Ordinal));
            Assert.Contains(brokenId, message.Body.ToString(), StringComparison.Ordinal);
        }, Timeout);
        Assert.Equal(attempts, broken.Requests.Count);
        Assert.Single(healthy.Requests);

        // Nothing else broke: the next event reaches the healthy webhook, and the broken one is tried afresh.
        var next = await PublishAsync(Api, tenant, EventTypes.CallStarted);
        await WaitForDeliveryAsync(tenant, healthyId, next.Id, "succeeded", Timeout);
        Assert.Equal(2, healthy.Requests.Count);
        await WaitForDeliveryAsync(tenant, brokenId, next.Id, "failed", Timeout);
    }

    [Fact]
    public async Task Completed_call_reaches_its_subscribed_webhook_signed_and_a_redelivered_message_is_not_delivered_twice()
    {
        var tenant = await Api.SignupAsync("webhooks-call");
        var other = await Api.SignupAsync("webhooks-call-other");
        await using var receiver = await Receiver.StartAsync();
        await using var unsubscribed = await Receiver.StartAsync();
        var webhook = await CreateWebhookAsync(tenant, receiver.Url, EventTypes.CallCompleted);
        var id = webhook["id"]!.GetValue<string>();
        await CreateWebhookAsync(tenant, unsubscribed.Url, EventTypes.CampaignCompleted, EventTypes.CallStarted);
        await CreateWebhookAsync(other, unsubscribed.Url, EventTypes.CallCompleted);
        var agentId = await CreateAgentAsync(tenant);
        var message = NewMessage(tenant, agentId);
        var eventId = $"call.completed:{message.CallId}";

        await SendAsync(Api.CallCompletedQueue, message);

        var delivery = await WaitForDeliveryAsync(tenant, id, eventId, "succeeded", Timeout);
        Assert.Equal(1, delivery["attempts"]!.GetValue<int>());
        var request = receiver.Single();
        Assert.True(Receiver.Verify(request, webhook["secret"]!.GetValue<string>()));
        var payload = JsonNode.Parse(request.Body)!;
        Assert.Equal((eventId, "call.completed"), (payload["id"]!.GetValue<string>(), payload["type"]!.GetValue<string>()));
        Assert.Equal((message.CallId, agentId, 42.5), (
            payload["data"]!["call_id"]!.GetValue<string>(), payload["data"]!["agent_id"]!.GetValue<string>(),
            payload["data"]!["duration_seconds"]!.GetValue<double>()));
        Assert.Equal(message.EndedAt, DateTime.Parse(payload["created_at"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal));

        // voice-host sends the call again: it is stored once more (idempotently) and its event fanned out again,
        // but a delivery that succeeded is not enqueued again.
        await SendAsync(Api.CallCompletedQueue, message);
        await DrainedAsync(Api.CallCompletedQueue, Timeout);
        await DrainedAsync(Api.EventsQueue, Timeout);
        await DrainedAsync(Api.WebhookDeliveriesQueue, Timeout);

        Assert.Single(receiver.Requests);
        var logged = Assert.Single(await DeliveriesAsync(tenant, id))!;
        Assert.Equal(("succeeded", 1), (logged["status"]!.GetValue<string>(), logged["attempts"]!.GetValue<int>()));
        Assert.Empty(unsubscribed.Requests);
    }

    private async Task AssertNotPoisonedAsync(string eventId)
    {
        var poison = Queue(QueueNames.Poison(Api.WebhookDeliveriesQueue));
        await poison.CreateIfNotExistsAsync();
        Assert.DoesNotContain((await poison.PeekMessagesAsync(32)).Value, m => m.Body.ToString().Contains(eventId, StringComparison.Ordinal));
    }
}
