using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// Two runners for the login and signup limits: <see cref="Proxied"/> trusts the last X-Forwarded-For hop (as behind
/// the Functions front end) and runs on a fake clock the tests step through the windows; <see cref="Direct"/> trusts no
/// proxy (as under ./run.sh), so it counts every request as coming from its TCP peer, 127.0.0.1.
/// </summary>
public sealed class ThrottleFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public ApiFixture Proxied { get; }
    public ApiFixture Direct { get; } = new();

    public ThrottleFixture()
    {
        Proxied = new ApiFixture { Time = Clock };
        // Nothing here dials, and the timer would fire as the clock is stepped.
        Proxied.Settings["AzureWebJobs.DispatchCalls.Disabled"] = "true";
        Direct.Settings["TrustedProxy:Header"] = "";
    }

    public async Task InitializeAsync()
    {
        await Proxied.InitializeAsync();
        await Direct.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Direct.DisposeAsync();
        await Proxied.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ThrottleCollection : ICollectionFixture<ThrottleFixture>
{
    public const string Name = "throttle";
}
