using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Queues;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// The API with its queue triggers (local runner) and a voice-host handing calls over through S3 and the runner's
/// own call-completed queue: the queue sink, chosen by default because a storage connection string is configured.
/// </summary>
public sealed class PostCallFixture : IAsyncLifetime
{
    public ApiFixture Api { get; } = new();
    public VoiceHostInstance Voice { get; private set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await Api.InitializeAsync();
        var settings = VoiceSettings(Api, SpoolFolder);
        // Recordings from 1 MiB on go up in parts, so a test can see a multipart upload without a long call.
        settings["S3:MultipartThreshold"] = (1024 * 1024).ToString();
        settings["S3:MultipartPartSize"] = (5 * 1024 * 1024).ToString();
        Voice = await VoiceHostInstance.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
    }

    /// <summary>A queue-sink voice-host's settings: the runner's database, bucket and queue, a spool, quick retries.</summary>
    public static Dictionary<string, string?> VoiceSettings(ApiFixture api, string spoolFolder, string? s3Url = null)
    {
        var settings = ApiFixture.StackSettings(api.DatabaseName, api.Bucket);
        settings["CallCompletedQueue"] = api.CallCompletedQueue;
        settings["EventsQueue"] = api.EventsQueue;
        settings["Voice:SpoolFolder"] = spoolFolder;
        settings["Voice:SpoolRetryDelay"] = "00:00:00.200";
        settings["Voice:SpoolMaxRetryDelay"] = "00:00:01";
        settings["Voice:DeliveryTimeout"] = "00:00:30";
        settings["Voice:AuthTimeout"] = "00:00:05";
        if (s3Url is not null) settings["S3:ServiceUrl"] = s3Url;
        return settings;
    }
}

[CollectionDefinition(Name)]
public sealed class PostCallCollection : ICollectionFixture<PostCallFixture>
{
    public const string Name = "postcall";
}

/// <summary>What post-call tests do: make calls through voice-host, send call-completed messages, read the results over HTTP.</summary>
public static class PostCallSteps
{
    private static readonly QueueClientOptions QueueOptions = new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public static QueueClient Queue(string name, string? connectionString = null) =>
        new(connectionString ?? LocalStack.StorageConnectionString, name, QueueOptions);

    public static Task<string> CreateAgentAsync(TenantSession tenant, string? firstMessage = null) =>
        tenant.AddAgentAsync(AgentSetup.Offline(with: new { first_message = firstMessage, rules = new[] { AgentSetup.BookingRule } }));

    /// <summary>Opens a call as a caller would, with the optional phone number and campaign of the auth message.</summary>
    public static async Task<(VoiceClient Caller, string CallId)> StartCallAsync(
        VoiceHostInstance voice, TenantSession tenant, string agentId, int sampleRate = 16000, string? phoneNumber = null, string? campaignId = null)
    {
        var caller = await VoiceClient.ConnectAsync(voice.WebSocketUri);
        await caller.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, sample_rate = sampleRate, phone_number = phoneNumber, campaign_id = campaignId });
        var ready = await caller.WaitForAsync("ready", TimeSpan.FromSeconds(10));
        return (caller, ready["call_id"]!.GetValue<string>());
    }

    /// <summary>Ends a call from the caller's side and waits for voice-host to close it.</summary>
    public static async Task EndCallAsync(VoiceClient caller)
    {
        await caller.SendJsonAsync(new { type = "end" });
        await caller.WaitForAsync("end", TimeSpan.FromSeconds(10));
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// A spoken call: the caller says <paramref name="text"/> (flite, recognised by the agent's speech-to-text), hears
    /// the whole reply, and hangs up. Returns the call_id.
    /// </summary>
    public static async Task<string> MakeSpokenCallAsync(
        VoiceHostInstance voice, TenantSession tenant, string agentId, string text, string? phoneNumber = null, string? campaignId = null)
    {
        var (samples, rate) = VoiceAgents.VoiceHost.Audio.Wav.Read(await VoiceFixture.SpeakAsync(text));
        var (caller, callId) = await StartCallAsync(voice, tenant, agentId, rate, phoneNumber, campaignId);
        await using (caller)
        {
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(500), rate);
            await caller.StreamAsync(samples, rate);
            var streaming = caller.StreamSilenceAsync(TimeSpan.FromSeconds(5), rate);
            await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(20), e => e["role"]!.GetValue<string>() == "assistant");
            await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(20));
            await streaming;
            await EndCallAsync(caller);
        }
        return callId;
    }

    /// <summary>A short call: the caller says nothing for a moment and hangs up. Returns the call_id.</summary>
    public static async Task<string> MakeSilentCallAsync(VoiceHostInstance voice, TenantSession tenant, string agentId)
    {
        var (caller, callId) = await StartCallAsync(voice, tenant, agentId);
        await using (caller)
        {
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(600), 16000);
            await EndCallAsync(caller);
        }
        return callId;
    }

    /// <summary>A call-completed message as voice-host sends one: a 42.5 s call five minutes ago with two turns.</summary>
    public static CallCompletedMessage NewMessage(TenantSession tenant, string agentId)
    {
        var ended = DateTime.UtcNow.AddMinutes(-5);
        ended = new DateTime(ended.Ticks - ended.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        return new CallCompletedMessage(
            Ids.New(), Guid.NewGuid().ToString("N"), tenant.TenantId, agentId, null, "+14155550100",
            ended.AddSeconds(-42.5), ended, 42.5, CallStatus.Completed, "caller_ended", null,
            [new TurnMetrics { Turn = 1, VoiceToVoiceMs = 800, SttMs = 100, LlmTtftMs = 200, TtsTtfbMs = 150 }],
            [
                new TranscriptTurn { Speaker = "assistant", Text = "Hello, how can I help?", StartMs = 0, EndMs = 1500 },
                new TranscriptTurn { Speaker = "user", Text = "book a table", StartMs = 2000, EndMs = 3000 },
            ]);
    }

    public static async Task SendAsync(string queueName, CallCompletedMessage message)
    {
        var queue = Queue(queueName);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(new BinaryData(message.ToUtf8Json()));
    }

    /// <summary>Waits until the runner has taken every message off the queue (processed, or moved to the poison queue).</summary>
    public static Task DrainedAsync(string queueName, TimeSpan timeout, string? connectionString = null) => Eventually.Assert(async () =>
    {
        var properties = await Queue(queueName, connectionString).GetPropertiesAsync();
        Assert.Equal(0, properties.Value.ApproximateMessagesCount);
    }, timeout);

    public static async Task<JsonNode?> FindCallLogAsync(TenantSession tenant, string callId)
    {
        using var client = tenant.Client();
        var response = await client.GetAsync($"call-logs/{callId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        return await TenantSession.Read(response, 200);
    }

    public static Task<JsonNode> WaitForCallLogAsync(TenantSession tenant, string callId, TimeSpan timeout) =>
        WaitAsync(() => FindCallLogAsync(tenant, callId), timeout);

    public static async Task<JsonNode> GetAsync(TenantSession tenant, string path)
    {
        using var client = tenant.Client();
        return await TenantSession.Read(await client.GetAsync(path), 200);
    }

    private static async Task<JsonNode> WaitAsync(Func<Task<JsonNode?>> find, TimeSpan timeout)
    {
        JsonNode? found = null;
        await Eventually.Assert(async () => Assert.NotNull(found = await find()), timeout);
        return found!;
    }
}
