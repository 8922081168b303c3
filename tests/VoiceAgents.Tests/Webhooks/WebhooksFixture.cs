using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Net;
using VoiceAgents.Functions.Webhooks;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;

namespace VoiceAgents.Tests.Webhooks;

/// <summary>
/// A runner that may deliver to loopback receivers over http (<c>Webhooks:AllowPrivateTargets</c>, as ./run.sh sets
/// it), with quick retries: one Polly retry 50 ms later, and a host.json of its own whose queues poll every 0.5 s at
/// most, make a failed message visible again after 0.2 s and poison it on the third dequeue.
/// </summary>
public sealed class WebhooksFixture : IAsyncLifetime
{
    public const int MaxDequeueCount = 3;
    public const int AttemptsPerDequeue = 2;

    private readonly string _hostJsonFolder = Path.Combine(Path.GetTempPath(), "voiceagents-test-webhooks", Guid.NewGuid().ToString("N"));

    public ApiFixture Api { get; } = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_hostJsonFolder);
        var hostJson = Path.Combine(_hostJsonFolder, "host.json");
        await File.WriteAllTextAsync(hostJson, $$"""
            {
              "version": "2.0",
              "extensions": {
                "http": { "routePrefix": "api" },
                "queues": { "maxPollingInterval": "00:00:00.500", "visibilityTimeout": "00:00:00.200", "batchSize": 16, "maxDequeueCount": {{MaxDequeueCount}} }
              }
            }
            """);
        Api.Settings["HostJsonPath"] = hostJson;
        Api.Settings["Webhooks:AllowPrivateTargets"] = "true";
        Api.Settings["Webhooks:Retries"] = (AttemptsPerDequeue - 1).ToString();
        Api.Settings["Webhooks:RetryDelay"] = "00:00:00.050";
        Api.Settings["Webhooks:Timeout"] = "00:00:03";
        await Api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(_hostJsonFolder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class WebhooksCollection : ICollectionFixture<WebhooksFixture>
{
    public const string Name = "webhooks";
}

/// <summary>A runner with the production rules: https only, public targets only.</summary>
[CollectionDefinition(Name)]
public sealed class StrictWebhooksCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "webhooks-strict";
}

/// <summary>A webhook receiver on loopback that answers with the status codes it is given, in order, then 200.</summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private Receiver(LoopbackServer server) => _server = server;

    public string Url => new Uri(_server.BaseUri, "hooks/voiceagents").ToString();

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    public RecordedRequest Single() => Assert.Single(Requests);

    public static async Task<Receiver> StartAsync(params int[] statuses)
    {
        var next = 0;
        var server = await LoopbackServer.StartAsync(async context =>
        {
            var i = Interlocked.Increment(ref next) - 1;
            context.Response.StatusCode = i < statuses.Length ? statuses[i] : StatusCodes.Status200OK;
            await context.Response.WriteAsync("{}", context.RequestAborted);
        });
        return new Receiver(server);
    }

    /// <summary>Verifies a request as a receiver's code would: the raw body against the X-Signature header.</summary>
    public static bool Verify(RecordedRequest request, string secret) =>
        WebhookSignature.Verify(request.Header(WebhookSignature.Header), Encoding.UTF8.GetBytes(request.Body), secret, DateTimeOffset.UtcNow);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>What webhook tests do over the API and the queues.</summary>
public static class WebhookSteps
{
    public static async Task<JsonNode> CreateWebhookAsync(TenantSession tenant, string url, params string[] events)
    {
        using var client = tenant.Client();
        var body = new { url, events = events.Length > 0 ? events : [EventTypes.CallCompleted] };
        return await TenantSession.Read(await client.PostAsync("webhooks", ApiFixture.Json(body)), 201);
    }

    public static async Task<JsonArray> DeliveriesAsync(TenantSession tenant, string webhookId)
    {
        using var client = tenant.Client();
        return (await TenantSession.Read(await client.GetAsync($"webhooks/{webhookId}/deliveries"), 200))["items"]!.AsArray();
    }

    /// <summary>Waits until the webhook's delivery of the event has the status, and returns it.</summary>
    public static async Task<JsonNode> WaitForDeliveryAsync(TenantSession tenant, string webhookId, string eventId, string status, TimeSpan timeout)
    {
        JsonNode? found = null;
        await Eventually.Assert(async () =>
        {
            found = (await DeliveriesAsync(tenant, webhookId)).SingleOrDefault(d => d!["event_id"]!.GetValue<string>() == eventId);
            Assert.Equal(status, found?["status"]?.GetValue<string>());
        }, timeout);
        return found!;
    }

    /// <summary>Puts an event on the runner's events queue, as StoreCall and voice-host do.</summary>
    public static async Task<PlatformEvent> PublishAsync(ApiFixture api, TenantSession tenant, string type, JsonObject? data = null, string? traceParent = null)
    {
        var e = new PlatformEvent($"{type}:{Guid.NewGuid():N}", type, DateTime.UtcNow, tenant.TenantId, data ?? new JsonObject { ["call_id"] = Guid.NewGuid().ToString("N") }, traceParent);
        var queue = PostCallSteps.Queue(api.EventsQueue);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(BinaryData.FromBytes(e.ToUtf8Json()));
        return e;
    }
}
