using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class HealthTests(ApiFixture api)
{
    [Fact]
    public async Task Health_is_anonymous_and_answers_200_when_mongo_s3_and_the_queue_are_up()
    {
        using var anon = api.Client();
        var before = DateTime.UtcNow.AddSeconds(-1);

        var body = await TenantSession.Read(await anon.GetAsync("health"), 200);

        Assert.Equal("healthy", body["status"]!.GetValue<string>());
        Assert.InRange(body["timestamp"]!.GetValue<DateTime>().ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(1));
        var checks = body["checks"]!.AsObject();
        Assert.Equal(["mongo", "queue", "s3"], checks.Select(c => c.Key).Order(StringComparer.Ordinal));
        foreach (var (name, check) in checks)
        {
            Assert.True(check!["status"]!.GetValue<string>() == "healthy", $"{name}: {check.ToJsonString()}");
            Assert.True(check["duration_ms"]!.GetValue<double>() >= 0);
        }
    }

    [Fact]
    public async Task Health_answers_503_naming_mongo_when_mongo_is_unreachable()
    {
        var started = Stopwatch.StartNew();
        await using var runner = await StartRunnerAsync(new()
        {
            // Nothing listens on port 1.
            ["Mongo:ConnectionString"] = "mongodb://127.0.0.1:1",
            ["Mongo:Database"] = $"down_{api.RunId}",
            ["S3:Bucket"] = $"down-{api.RunId}",
        });
        // Start-up must not wait out the retries of a store that is down.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"start took {started.Elapsed}");

        var response = await runner.Client.GetAsync("health");
        var body = await TenantSession.Read(response, 503);

        Assert.Equal("unhealthy", body["status"]!.GetValue<string>());
        var checks = body["checks"]!;
        Assert.Equal("unhealthy", checks["mongo"]!["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(checks["mongo"]!["error"]?.GetValue<string>()), checks.ToJsonString());
        Assert.Equal("healthy", checks["s3"]!["status"]!.GetValue<string>());
        Assert.Equal("healthy", checks["queue"]!["status"]!.GetValue<string>());
    }

    /// <summary>A second runner, built as <see cref="ApiFixture"/> builds its own, with some settings replaced.</summary>
    private static async Task<Runner> StartRunnerAsync(Dictionary<string, string?> overrides)
    {
        var settings = ApiFixture.StackSettings();
        foreach (var (k, v) in overrides) settings[k] = v;
        // Only the API's own functions: the test assembly's probe queue triggers have no queue setting here.
        var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(settings);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Runner(app, new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/api/"), Timeout = TimeSpan.FromSeconds(30) });
    }

    private sealed record Runner(WebApplication App, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
