using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>One voice-host on a free loopback port with the given settings; stop it and start another to restart.</summary>
public sealed class VoiceHostInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private VoiceHostInstance(WebApplication app, Uri address)
    {
        _app = app;
        WebSocketUri = new Uri($"ws://{address.Authority}/ws");
        LiveUri = new Uri($"http://{address.Authority}/health/live");
        HealthUri = OperatorHealthUri(app.Services);
    }

    public Uri WebSocketUri { get; }

    /// <summary>The public liveness endpoint.</summary>
    public Uri LiveUri { get; }

    /// <summary>The detailed /health, on the operator port.</summary>
    public Uri HealthUri { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>The records of the log categories asked for at start (none otherwise).</summary>
    public LogRecords? Logs => _app.Services.GetService<LogRecords>();

    /// <param name="logsOf">Log categories whose records <see cref="Logs"/> keeps, for a test that waits on one.</param>
    public static async Task<VoiceHostInstance> StartAsync(IReadOnlyDictionary<string, string?> settings, params string[] logsOf)
    {
        var logs = new LogRecords(logsOf);
        var app = VoiceHostApp.Create([], b =>
        {
            if (logsOf.Length > 0)
            {
                b.Services.AddSingleton(logs);
                b.Services.AddSingleton<ILogEventSink>(logs);
            }
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Voice:OperatorUrl"] = "http://127.0.0.1:0" });
            b.Configuration.AddInMemoryCollection(settings);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new VoiceHostInstance(app, address);
    }

    /// <summary>Where a started voice-host serves its operator's /health.</summary>
    public static Uri OperatorHealthUri(IServiceProvider services) =>
        new(services.GetRequiredService<OperatorEndpoints>().Address ?? throw new InvalidOperationException("the operator endpoints are off"), "/health");

    /// <summary>The calls waiting in the spool, as /health reports them.</summary>
    public async Task<int> SpooledCallsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var health = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(HealthUri))!;
        return health["checks"]!["spooled_calls"]!.GetValue<int>();
    }

    /// <summary>Stops the host as SIGTERM does (its drain included); disposing afterwards does not stop it again.</summary>
    public Task StopAsync()
    {
        lock (_app) return _stopping ??= _app.StopAsync();
    }

    private Task? _stopping;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
