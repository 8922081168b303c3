using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Telephony;

/// <summary>
/// The API (local runner) configured for Twilio against <see cref="TwilioLoopback"/>, and a voice-host that hands
/// finished calls to post-call processing through S3 and the runner's queue, as in production. The timer-driven
/// dispatcher is switched off (<c>AzureWebJobs.DispatchCalls.Disabled</c>): tests drive the dialer themselves.
/// Twilio reaches the app at <see cref="PublicBaseUrl"/> (a proxy's address, say); signatures are over that URL.
/// </summary>
public sealed class TelephonyFixture : IAsyncLifetime
{
    public const string PublicBaseUrl = "https://voiceagents.example.test";
    public const string MediaStreamUrl = "wss://voice.example.test/twilio";
    public const string FromNumber = "+15005550006";

    public ApiFixture Api { get; } = new();
    public TwilioLoopback Twilio { get; private set; } = default!;
    public VoiceHostInstance Voice { get; private set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public Uri MediaStreamUri => new UriBuilder(Voice.WebSocketUri) { Path = "/twilio" }.Uri;

    public async Task InitializeAsync()
    {
        Twilio = await TwilioLoopback.StartAsync();
        foreach (var (k, v) in TwilioSettings(Twilio)) Api.Settings[k] = v;
        Api.Settings["AzureWebJobs.DispatchCalls.Disabled"] = "true";
        // The events stay on the queue, so tests can read what the dialer announced.
        Api.Settings["AzureWebJobs.DispatchEvent.Disabled"] = "true";
        await Api.InitializeAsync();
        var settings = PostCallFixture.VoiceSettings(Api, SpoolFolder);
        foreach (var (k, v) in TwilioSettings(Twilio)) settings[k] = v;
        Voice = await VoiceHostInstance.StartAsync(settings);
    }

    public static Dictionary<string, string?> TwilioSettings(TwilioLoopback twilio) => new()
    {
        ["Twilio:AccountSid"] = TwilioLoopback.AccountSid,
        ["Twilio:AuthToken"] = TwilioLoopback.AuthToken,
        ["Twilio:FromNumber"] = FromNumber,
        ["Twilio:PublicBaseUrl"] = PublicBaseUrl,
        ["Twilio:MediaStreamUrl"] = MediaStreamUrl,
        ["Twilio:ApiBaseUrl"] = twilio.BaseUri.ToString().TrimEnd('/'),
    };

    private readonly List<PlatformEvent> _events = [];

    /// <summary>Every platform event put on the runner's events queue so far (read off the queue and kept here).</summary>
    public async Task<IReadOnlyList<PlatformEvent>> EventsAsync()
    {
        var queue = new QueueClient(LocalStack.StorageConnectionString, Api.EventsQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0) break;
            foreach (var m in batch)
            {
                lock (_events) _events.Add(m.Body.ToObjectFromJson<PlatformEvent>(JsonDefaults.Options)!);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
        lock (_events) return _events.ToList();
    }

    /// <summary>Signs stream tokens with voice-host's (and the API's) key.</summary>
    public StreamTokens StreamTokens => Voice.Services.GetRequiredService<StreamTokens>();

    /// <summary>The runner's URL for a webhook route, and the public URL Twilio signs.</summary>
    public (Uri Target, string Public) Webhook(string routeAndQuery) =>
        (new Uri(Api.BaseAddress, routeAndQuery), $"{PublicBaseUrl}/api/{routeAndQuery}");

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TelephonyCollection : ICollectionFixture<TelephonyFixture>
{
    public const string Name = "telephony";
}
