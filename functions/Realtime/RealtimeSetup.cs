using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Functions.Realtime;

public static partial class RealtimeSetup
{
    /// <summary>
    /// The <see cref="IRealtimePublisher"/>: a <see cref="WebPubSubClient"/> when <c>WebPubSub:ConnectionString</c> is
    /// set, otherwise one that does nothing (logged once at start), so a deployment without Web PubSub still runs.
    /// </summary>
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddOptions<WebPubSubOptions>().BindConfiguration(WebPubSubOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || WebPubSubConnectionString.TryParse(o.ConnectionString, out _),
                "WebPubSub:ConnectionString must look like Endpoint=https://…;AccessKey=…;Version=1.0;")
            .Validate(o => HubName().IsMatch(o.Hub), "WebPubSub:Hub must start with a letter and hold only letters, digits and _ (at most 128).")
            .Validate(o => o.ClientTokenLifetime > TimeSpan.Zero && o.RestTokenLifetime > TimeSpan.Zero, "WebPubSub token lifetimes must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<IRealtimePublisher>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WebPubSubOptions>>().Value;
            if (!WebPubSubConnectionString.TryParse(options.ConnectionString, out var connection)) return new DisabledRealtimePublisher();
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
            return new WebPubSubClient(http, connection!, options, sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<RealtimeStartupLog>();
        return services;
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,127}$")]
    private static partial Regex HubName();
}

/// <summary>Live updates are off: nothing is published and no client can negotiate.</summary>
public sealed class DisabledRealtimePublisher : IRealtimePublisher
{
    public bool Enabled => false;

    public Task PublishAsync(string tenantId, JsonObject message, CancellationToken ct) => Task.CompletedTask;

    public RealtimeClientAccess ClientAccess(string userId, string tenantId) =>
        throw new InvalidOperationException("Live updates are off: WebPubSub:ConnectionString is not set.");

    public Task CloseUserConnectionsAsync(string userId, string reason, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Says once, at start, where live updates go, or that they are off.</summary>
internal sealed partial class RealtimeStartupLog(IRealtimePublisher publisher, IOptions<WebPubSubOptions> options, ILogger<RealtimeStartupLog> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        if (publisher.Enabled && WebPubSubConnectionString.TryParse(options.Value.ConnectionString, out var c)) LogOn(c!.Endpoint, options.Value.Hub);
        else LogOff();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Live updates go to Web PubSub at {Endpoint}, hub {Hub}")]
    private partial void LogOn(Uri endpoint, string hub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebPubSub:ConnectionString is not set: live updates are off (events are not published, negotiate answers 503)")]
    private partial void LogOff();
}
