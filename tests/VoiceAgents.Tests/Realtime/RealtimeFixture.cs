using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.WebPubSubLocal;

namespace VoiceAgents.Tests.Realtime;

/// <summary>The Web PubSub stand-in, in process on a free loopback port with an access key of its own.</summary>
public sealed class WebPubSubStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebPubSubStandIn(WebApplication app, Uri endpoint, string accessKey)
    {
        _app = app;
        Endpoint = endpoint;
        AccessKey = accessKey;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri Endpoint { get; }
    public string AccessKey { get; }
    public string ConnectionString => $"Endpoint={Endpoint.GetLeftPart(UriPartial.Authority)};AccessKey={AccessKey};Version=1.0;";

    /// <param name="settings">More settings, e.g. <c>WebPubSub:AllowedOrigins</c> for a browser's origin.</param>
    public static async Task<WebPubSubStandIn> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(33));
        var app = LocalWebPubSub.Create([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            // The endpoint's port is not known yet; the stand-in takes only the key from here when urls are given.
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WebPubSub:ConnectionString"] = $"Endpoint=http://127.0.0.1;AccessKey={key};Version=1.0;" });
            if (settings is not null) b.Configuration.AddInMemoryCollection(settings);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebPubSubStandIn(app, new Uri(address), key);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// The stand-in, the API (local runner, publishing to it) and a voice-host that hands calls over through S3 and the
/// queue and announces call.started on the run's events queue: the whole live-update path, for real.
/// </summary>
public sealed class RealtimeFixture : IAsyncLifetime
{
    public WebPubSubStandIn PubSub { get; private set; } = default!;
    public ApiFixture Api { get; } = new();
    public VoiceHostInstance Voice { get; private set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        PubSub = await WebPubSubStandIn.StartAsync();
        Api.Settings["WebPubSub:ConnectionString"] = PubSub.ConnectionString;
        await Api.InitializeAsync();
        Voice = await VoiceHostInstance.StartAsync(PostCallFixture.VoiceSettings(Api, SpoolFolder));
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await PubSub.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RealtimeCollection : ICollectionFixture<RealtimeFixture>
{
    public const string Name = "realtime";
}
