using System.Text.Json;
using Azure.Storage.Queues;
using VoiceAgents.Core.Json;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Runner;

/// <summary>The local runner drives queue triggers from Azurite with host.json's maxDequeueCount and poison queue.</summary>
[Collection(QueueCollection.Name)]
public sealed class QueueTriggerTests(ApiFixture api)
{
    private static readonly QueueClientOptions Options = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    private QueueClient Queue(string suffix = "") =>
        new(LocalStack.StorageConnectionString, $"probe-{api.RunId}{suffix}", Options);

    private async Task SendAsync(ProbeMessage message)
    {
        var queue = Queue();
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(JsonSerializer.Serialize(message, JsonDefaults.Options));
    }

    [Fact]
    public async Task Message_that_fails_twice_is_retried_and_then_succeeds()
    {
        var key = Guid.NewGuid().ToString("N");
        await SendAsync(new ProbeMessage(key, FailTimes: 2));
        await Eventually.Assert(() => Assert.Equal(1, ProbeFunctions.Successes.GetValueOrDefault(key)), TimeSpan.FromSeconds(60));
        Assert.Equal(3, ProbeFunctions.Attempts[key]);
    }

    [Fact]
    public async Task Message_that_keeps_failing_moves_to_the_poison_queue_after_maxDequeueCount()
    {
        var key = Guid.NewGuid().ToString("N");
        await SendAsync(new ProbeMessage(key, FailTimes: int.MaxValue));
        var poison = Queue("-poison");
        await Eventually.Assert(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            var peeked = await poison.PeekMessagesAsync(32);
            Assert.Contains(peeked.Value, m => m.Body.ToString().Contains(key, StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(90));
        // host.json sets maxDequeueCount to 5: five attempts, then the poison queue, and never a sixth. The runner
        // deletes the message only after poisoning it; once the queue is empty no attempt can follow.
        await Eventually.Assert(async () => Assert.Equal(0, (await Queue().GetPropertiesAsync()).Value.ApproximateMessagesCount), TimeSpan.FromSeconds(30));
        Assert.Equal(5, ProbeFunctions.Attempts[key]);
        Assert.Equal(0, ProbeFunctions.Successes.GetValueOrDefault(key));
    }

    [Fact]
    public async Task Message_that_cannot_be_deserialized_ends_in_the_poison_queue()
    {
        var marker = Guid.NewGuid().ToString("N");
        var queue = Queue();
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync($"{{\"key\": {{\"not\": \"a string\"}}, \"marker\": \"{marker}\"}}");
        var poison = Queue("-poison");
        await Eventually.Assert(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            var peeked = await poison.PeekMessagesAsync(32);
            Assert.Contains(peeked.Value, m => m.Body.ToString().Contains(marker, StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(90));
    }
}

/// <summary>Queue tests wait on visibility timeouts, so they get a runner of their own and run beside the API tests.</summary>
[CollectionDefinition(Name)]
public sealed class QueueCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "queues";
}
