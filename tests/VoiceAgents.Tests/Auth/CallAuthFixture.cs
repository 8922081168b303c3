using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// Two API instances on one database and a voice-host on it: keys are made and revoked through <see cref="Api"/> and
/// tried on <see cref="Other"/>, which has its own cache and web-call tokens that last one second.
/// </summary>
public sealed class CallAuthFixture : IAsyncLifetime
{
    public ApiFixture Api { get; } = new();

    /// <summary>Another instance with its own key cache; its call tokens last <see cref="ShortTokenLifetime"/>.</summary>
    public ApiFixture Other { get; private set; } = default!;

    public static readonly TimeSpan ShortTokenLifetime = TimeSpan.FromSeconds(1);

    public VoiceHostInstance Voice { get; private set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Voice = await VoiceHostInstance.StartAsync(PostCallFixture.VoiceSettings(Api, SpoolFolder));
        Api.Settings["WebCalls:VoiceUrl"] = Voice.WebSocketUri.ToString();
        await Api.InitializeAsync();
        Other = new ApiFixture();
        Other.Settings["Mongo:Database"] = Api.DatabaseName;
        Other.Settings["S3:Bucket"] = Api.Bucket;
        Other.Settings["AzureWebJobs.DispatchCalls.Disabled"] = "true";
        Other.Settings["WebCalls:VoiceUrl"] = Voice.WebSocketUri.ToString();
        Other.Settings["WebCalls:TokenLifetime"] = ShortTokenLifetime.ToString();
        await Other.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Other.DisposeAsync();
        await Api.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CallAuthCollection : ICollectionFixture<CallAuthFixture>
{
    public const string Name = "call-auth";
}
