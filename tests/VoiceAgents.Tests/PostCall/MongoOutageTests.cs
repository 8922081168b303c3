using Serilog.Events;
using VoiceAgents.Core.Queues;
using VoiceAgents.Functions.LocalRunner;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>A runner on a MongoDB of its own (a CongoDB this test stops and starts) while call-completed messages arrive.</summary>
public sealed class MongoOutageTests
{
    [Fact]
    public async Task Messages_arriving_while_MongoDB_is_down_are_retried_and_stored_once_it_is_back()
    {
        var dataFile = Path.Combine(Path.GetTempPath(), $"va-congodb-{Guid.NewGuid():N}.json");
        await using var mongo = StandIn.CongoDb(dataFile);
        await mongo.StartAsync();
        var api = new ApiFixture { LogsOf = [typeof(QueueTriggerListener).FullName!] };
        api.Settings["Mongo:ConnectionString"] = $"mongodb://127.0.0.1:{mongo.Port}";
        await api.InitializeAsync();
        try
        {
            var tenant = await api.SignupAsync("mongo-down");
            var agentId = await CreateAgentAsync(tenant);
            await mongo.StopAsync();

            var messages = Enumerable.Range(0, 3).Select(_ => NewMessage(tenant, agentId)).ToList();
            foreach (var message in messages) await SendAsync(api.CallCompletedQueue, message);

            // While MongoDB is down the API answers 503 and the messages stay on the queue, failing and retried.
            using (var client = tenant.Client()) Assert.Equal(503, (int)(await client.GetAsync("call-logs")).StatusCode);
            // Each message is taken and fails while MongoDB is down (the runner logs each failed try). Wait for the
            // first failure of all three, which leaves them four more tries before the poison queue, and all three are
            // still on the queue, being retried.
            await Eventually.Assert(() =>
                Assert.Equal(3, api.Logs.Count(LogEventLevel.Error, "\"StoreCall\" failed for message", "(dequeue 1 of")), TimeSpan.FromSeconds(60));
            var queue = Queue(api.CallCompletedQueue);
            Assert.Equal(3, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

            await mongo.StartAsync();

            await Eventually.Assert(async () =>
            {
                var logs = (await GetAsync(tenant, "call-logs"))["items"]!.AsArray();
                Assert.Equal(messages.Select(m => m.CallId).Order(), logs.Select(l => l!["id"]!.GetValue<string>()).Order());
            }, TimeSpan.FromSeconds(60));
            await DrainedAsync(api.CallCompletedQueue, TimeSpan.FromSeconds(30));
            Assert.Equal(3, (await GetAsync(tenant, "analytics"))["totals"]!["calls"]!.GetValue<long>());
            var poison = Queue(QueueNames.Poison(api.CallCompletedQueue));
            await poison.CreateIfNotExistsAsync();
            Assert.Empty((await poison.PeekMessagesAsync(32)).Value);
        }
        finally
        {
            await api.DisposeAsync();
            File.Delete(dataFile);
        }
    }
}
