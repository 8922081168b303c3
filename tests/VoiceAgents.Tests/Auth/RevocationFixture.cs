using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Realtime;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// Two API instances on one database (as the Functions app scales out), a voice-host on it too and the Web PubSub
/// stand-in: a change made through one instance must reach the others by their own means within seconds.
/// </summary>
public sealed class RevocationFixture : IAsyncLifetime
{
    public WebPubSubStandIn PubSub { get; private set; } = default!;

    /// <summary>The instance admins make changes through.</summary>
    public ApiFixture Api { get; } = new();

    /// <summary>Another instance with its own token cache, where the old tokens are tried.</summary>
    public ApiFixture Other { get; private set; } = default!;

    public VoiceHostInstance Voice { get; private set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        PubSub = await WebPubSubStandIn.StartAsync();
        Api.Settings["WebPubSub:ConnectionString"] = PubSub.ConnectionString;
        await Api.InitializeAsync();
        Other = new ApiFixture();
        Other.Settings["Mongo:Database"] = Api.DatabaseName;
        Other.Settings["S3:Bucket"] = Api.Bucket;
        Other.Settings["WebPubSub:ConnectionString"] = PubSub.ConnectionString;
        Other.Settings["AzureWebJobs.DispatchCalls.Disabled"] = "true";
        await Other.InitializeAsync();
        Voice = await VoiceHostInstance.StartAsync(PostCallFixture.VoiceSettings(Api, SpoolFolder));
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Other.DisposeAsync();
        await Api.DisposeAsync();
        await PubSub.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RevocationCollection : ICollectionFixture<RevocationFixture>
{
    public const string Name = "revocation";
}
