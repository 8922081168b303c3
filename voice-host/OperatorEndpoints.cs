using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VoiceAgents.VoiceHost.Health;
using Microsoft.AspNetCore.Hosting.Server;
using VoiceAgents.VoiceHost.Configuration;

namespace VoiceAgents.VoiceHost;

/// <summary>
/// The operator's endpoints on a listener of their own (<see cref="VoiceOptions.OperatorUrl"/>, default
/// <c>http://127.0.0.1:7861</c>): <c>GET /health</c> (<see cref="VoiceHostHealth.MapReadiness"/>). A separate server rather than a
/// check on the public one, so nothing a caller sends to the public port (a Host header, a path) can reach them;
/// in Azure the ingress forwards only the public port, and the readiness probe calls this one directly.
/// </summary>
public sealed partial class OperatorEndpoints(IServiceProvider services, IOptions<VoiceOptions> options, ILogger<OperatorEndpoints> log) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where the endpoints listen once started (the real port when the setting asked for port 0); null when turned off.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.Value.OperatorUrl)) return;
        // An empty builder: no environment or appsettings, so the public app's ASPNETCORE_URLS cannot leak in here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls(options.Value.OperatorUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddRoutingCore();
        // The checks are the app's own, run over its services.
        builder.Services.AddSingleton(services.GetRequiredService<HealthCheckService>());
        var app = builder.Build();
        app.UseRouting();
        app.MapReadiness();
        await app.StartAsync(ct);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));
        LogListening(address);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_app is not null) await _app.StopAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator endpoints (/health) listening on {Address}")]
    private partial void LogListening(string address);
}
