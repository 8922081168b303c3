using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// A runner on a CongoDB of its own (in memory): the stand-in scans and sorts a whole collection in one JavaScript
/// thread on every query, and 100,000 call logs would hold up every other test's queries on the shared one for
/// seconds, long enough for their drivers to give up on it.
/// </summary>
public sealed class CallLogExportScaleFixture : IAsyncLifetime
{
    private readonly StandIn _mongo = StandIn.CongoDbInMemory();

    public ApiFixture Api { get; } = new();

    public async Task InitializeAsync()
    {
        await _mongo.StartAsync();
        Api.Settings["Mongo:ConnectionString"] = $"mongodb://127.0.0.1:{_mongo.Port}";
        // Nothing here dials; the timer would only add queries.
        Api.Settings["AzureWebJobs.DispatchCalls.Disabled"] = "true";
        await Api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await _mongo.DisposeAsync();
    }
}
