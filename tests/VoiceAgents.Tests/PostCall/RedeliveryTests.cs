using System.Text.Json.Nodes;
using VoiceAgents.Core.Queues;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>The StoreCall queue trigger under redelivery and bad input, fed straight through the runner's queue.</summary>
[Collection(PostCallQueueCollection.Name)]
public sealed class RedeliveryTests(ApiFixture api)
{
    private static readonly TimeSpan Drained = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Same_message_delivered_three_times_stores_one_call_log_and_counts_it_once()
    {
        var tenant = await api.SignupAsync("redelivery");
        var agentId = await CreateAgentAsync(tenant);
        var message = NewMessage(tenant, agentId);

        // Twice at once (the runner takes both in one batch), then once more after they were processed.
        await Task.WhenAll(SendAsync(api.CallCompletedQueue, message), SendAsync(api.CallCompletedQueue, message));
        await DrainedAsync(api.CallCompletedQueue, Drained);
        await SendAsync(api.CallCompletedQueue, message);
        await DrainedAsync(api.CallCompletedQueue, Drained);

        var logs = (await GetAsync(tenant, "call-logs"))["items"]!.AsArray();
        Assert.Equal(message.CallId, Assert.Single(logs)!["id"]!.GetValue<string>());
        var transcript = await GetAsync(tenant, $"transcripts/{message.CallId}");
        Assert.Equal(2, transcript["turns"]!.AsArray().Count);
        foreach (var query in new[] { "", $"agent_id={agentId}", $"from={message.EndedAt:yyyy-MM-dd}" })
        {
            var analytics = await GetAsync(tenant, $"analytics?{query}");
            AssertCountedOnce(analytics, message);
        }
        await AssertNotPoisonedAsync(message.CallId);
    }

    [Fact]
    public async Task Poison_message_lands_in_the_poison_queue_and_later_messages_are_still_stored()
    {
        var tenant = await api.SignupAsync("poison");
        var agentId = await CreateAgentAsync(tenant);
        var marker = Guid.NewGuid().ToString("N");
        var queue = Queue(api.CallCompletedQueue);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(new BinaryData($"{{\"call_id\": \"{marker}\", \"tenant_id\": "));
        // Well-formed JSON that is no call: retried, then poisoned as well.
        await queue.SendMessageAsync(new BinaryData($"{{\"call_id\": \"{marker}\", \"tenant_id\": \"{tenant.TenantId}\"}}"));

        var poison = Queue(QueueNames.Poison(api.CallCompletedQueue));
        await Eventually.Assert(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            var peeked = (await poison.PeekMessagesAsync(32)).Value;
            Assert.Equal(2, peeked.Count(m => m.Body.ToString().Contains(marker, StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(90));

        // The trigger still works, and the bad messages left nothing behind.
        var message = NewMessage(tenant, agentId);
        await SendAsync(api.CallCompletedQueue, message);
        await WaitForCallLogAsync(tenant, message.CallId, Drained);
        Assert.Single((await GetAsync(tenant, "call-logs"))["items"]!.AsArray());
        AssertCountedOnce(await GetAsync(tenant, "analytics"), message);
    }

    private static void AssertCountedOnce(JsonNode analytics, CallCompletedMessage message)
    {
        Assert.Equal((1L, 1L, 0L), (
            analytics["totals"]!["calls"]!.GetValue<long>(), analytics["totals"]!["completed"]!.GetValue<long>(), analytics["totals"]!["failed"]!.GetValue<long>()));
        var day = Assert.Single(analytics["calls_per_day"]!.AsArray())!;
        Assert.Equal((message.EndedAt.ToString("yyyy-MM-dd"), 1L), (day["date"]!.GetValue<string>(), day["calls"]!.GetValue<long>()));
        Assert.Equal(1, analytics["by_status"]!["completed"]!.GetValue<long>());
        Assert.Equal(42.5, analytics["duration_seconds"]!["average"]!.GetValue<double>());
        Assert.Equal(800, analytics["avg_voice_to_voice_ms"]!.GetValue<double>());
    }

    private async Task AssertNotPoisonedAsync(string callId)
    {
        var poison = Queue(QueueNames.Poison(api.CallCompletedQueue));
        await poison.CreateIfNotExistsAsync();
        Assert.DoesNotContain((await poison.PeekMessagesAsync(32)).Value, m => m.Body.ToString().Contains(callId, StringComparison.Ordinal));
    }
}

/// <summary>Queue-fed post-call tests wait on visibility timeouts, so they get a runner of their own.</summary>
[CollectionDefinition(Name)]
public sealed class PostCallQueueCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "postcall-queue";
}
