using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.VoiceHost;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>The API (through the local runner) and voice-host, both on free loopback ports, sharing one database and key.</summary>
public sealed class VoiceFixture : IAsyncLifetime
{
    private WebApplication? _voice;

    public ApiFixture Api { get; } = new();
    public Uri WebSocketUri { get; private set; } = default!;
    /// <summary>The detailed /health, on the operator port.</summary>
    public Uri HealthUri { get; private set; } = default!;

    /// <summary>The public liveness endpoint.</summary>
    public Uri LiveUri { get; private set; } = default!;
    public string CallsFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-calls", Guid.NewGuid().ToString("N"));
    public IServiceProvider Services => _voice!.Services;

    public async Task InitializeAsync()
    {
        // The API checks an agent's tool URLs on save as voice-host does on the call: loopback receivers, as under ./run.sh.
        Api.Settings["Webhooks:AllowPrivateTargets"] = "true";
        await Api.InitializeAsync();
        var voiceSettings = new Dictionary<string, string?>
        {
            // These tests read the finished call from a folder; post-call tests use the queue sink (PostCallFixture).
            ["Voice:CallSink"] = "local",
            ["Voice:CallsFolder"] = CallsFolder,
            // call.started goes to this run's events queue, which its runner drains.
            ["EventsQueue"] = Api.EventsQueue,
            ["Voice:AuthTimeout"] = "00:00:05",
            ["Voice:OperatorUrl"] = "http://127.0.0.1:0",
            // OpenAI is "reachable" only at a closed port: the resilience tests need a provider that is down.
            ["Providers:OpenAI:ApiKey"] = "test-key",
            ["Providers:OpenAI:BaseUrl"] = "http://127.0.0.1:1/v1",
            ["Providers:Resilience:RetryDelay"] = "00:00:00.010",
            ["Providers:Resilience:AttemptTimeout"] = "00:00:03",
            // Agents' HTTP tools call receivers on loopback, as under ./run.sh.
            ["Webhooks:AllowPrivateTargets"] = "true",
        };
        _voice = VoiceHostApp.Create([], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(ApiFixture.StackSettings(Api.DatabaseName, Api.Bucket));
            b.Configuration.AddInMemoryCollection(voiceSettings);
        });
        await _voice.StartAsync();
        var address = new Uri(_voice.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        WebSocketUri = new Uri($"ws://{address.Authority}/ws");
        LiveUri = new Uri($"http://{address.Authority}/health/live");
        HealthUri = VoiceHostInstance.OperatorHealthUri(_voice.Services);
    }

    public async Task DisposeAsync()
    {
        if (_voice is not null)
        {
            await _voice.StopAsync();
            await _voice.DisposeAsync();
        }
        await Api.DisposeAsync();
    }

    /// <summary>Speaks text to a 16 kHz mono WAV with flite.</summary>
    public static async Task<byte[]> SpeakAsync(string text, string voice = "kal16")
    {
        var path = Path.Combine(Path.GetTempPath(), $"va-{Guid.NewGuid():N}.wav");
        var psi = new ProcessStartInfo("flite") { RedirectStandardError = true };
        foreach (var a in new[] { "-voice", voice, "-t", text, "-o", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }
}

[CollectionDefinition(Name)]
public sealed class VoiceCollection : ICollectionFixture<VoiceFixture>
{
    public const string Name = "voice";
}
