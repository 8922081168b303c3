using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Observability;

/// <summary>
/// One call, one trace, across processes and through the exporters ops would use: voice-host runs as a process of
/// its own (the built app, configured by environment variables as in a container) and the Functions app in-process,
/// both exporting OTLP over HTTP/protobuf to a receiver in the test. The caller's trace id must arrive from both
/// services: voice-host's session and the Functions app's StoreCall, joined by the queue message's trace_parent.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly OtlpReceiver _receiver = new();
    private readonly ApiFixture _api = new();
    private Process? _voiceHost;
    private Uri _voiceWs = default!;
    private readonly StringBuilder _voiceHostOutput = new();

    public async Task InitializeAsync()
    {
        await _receiver.StartAsync();
        foreach (var (k, v) in OtlpSettings("api")) _api.Settings[k] = v;
        await _api.InitializeAsync();

        var settings = PostCallFixture.VoiceSettings(_api, Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N")));
        foreach (var (k, v) in OtlpSettings("voice-host")) settings[k] = v;
        var port = StandIn.FreePort();
        var operatorPort = StandIn.FreePort();
        settings["Voice:OperatorUrl"] = $"http://127.0.0.1:{operatorPort}";
        var dll = Path.Combine(LocalStack.RepoRoot, "voice-host", "bin", BuildConfiguration(), "net10.0", "VoiceAgents.VoiceHost.dll");
        Assert.True(File.Exists(dll), $"voice-host is not built at {dll}");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (k, v) in settings) psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        _voiceHost = Process.Start(psi)!;
        _voiceHost.OutputDataReceived += (_, e) => { lock (_voiceHostOutput) _voiceHostOutput.AppendLine(e.Data); };
        _voiceHost.ErrorDataReceived += (_, e) => { lock (_voiceHostOutput) _voiceHostOutput.AppendLine(e.Data); };
        _voiceHost.BeginOutputReadLine();
        _voiceHost.BeginErrorReadLine();
        _voiceWs = new Uri($"ws://127.0.0.1:{port}/ws");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Assert(async () =>
        {
            Assert.False(_voiceHost.HasExited, $"voice-host exited: {Output()}");
            Assert.True((await http.GetAsync($"http://127.0.0.1:{operatorPort}/health")).IsSuccessStatusCode);
        }, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_voiceHost is { HasExited: false })
        {
            _voiceHost.Kill(entireProcessTree: true);
            await _voiceHost.WaitForExitAsync();
        }
        _voiceHost?.Dispose();
        await _api.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_calls_trace_id_is_exported_over_OTLP_by_voice_host_and_by_the_functions_app_that_stored_it()
    {
        var tenant = await _api.SignupAsync("otlp");
        var agentId = await CreateAgentAsync(tenant);
        // The caller's span: its traceparent goes out on the /ws upgrade (HttpClient's propagation, as from any client).
        string callId;
        ActivityTraceId traceId;
        using (var root = new Activity("caller.call").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            // Sampled, as a caller that records its traces says: the services' parent-based samplers follow it.
            root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            traceId = root.TraceId;
            await using var caller = await VoiceClient.ConnectAsync(_voiceWs);
            await caller.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, sample_rate = 16000 });
            callId = (await caller.WaitForAsync("ready", TimeSpan.FromSeconds(10)))["call_id"]!.GetValue<string>();
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(600), 16000);
            await EndCallAsync(caller);
        }
        await WaitForCallLogAsync(tenant, callId, TimeSpan.FromSeconds(60));

        // OTLP/protobuf carries the trace id as its 16 raw bytes and names as UTF-8: a span of this trace, from each
        // service, with its span name and the call_id attribute, shows up in some export request of that service.
        var id = Convert.FromHexString(traceId.ToString());
        await Eventually.Assert(() =>
        {
            var exports = _receiver.Traces;
            var session = exports.Where(b => Has(b, ServiceName("voice-host")) && Has(b, "voice.call") && Has(b, callId)).ToList();
            var store = exports.Where(b => Has(b, ServiceName("api")) && Has(b, "call.store") && Has(b, callId)).ToList();
            Assert.True(session.Count > 0, $"no voice.call span of call {callId} from voice-host in {exports.Count} exports");
            Assert.True(store.Count > 0, $"no call.store span of call {callId} from the api in {exports.Count} exports");
            Assert.True(session.Any(b => Has(b, id)), $"voice-host's voice.call span is not in trace {traceId}");
            Assert.True(store.Any(b => Has(b, id)), $"the api's call.store span is not in trace {traceId}");
        }, TimeSpan.FromSeconds(30));
        Assert.All(_receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }

    private Dictionary<string, string?> OtlpSettings(string service) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.BaseUrl,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = service,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "600000",
    };

    private string Output()
    {
        lock (_voiceHostOutput) return _voiceHostOutput.ToString();
    }

    /// <summary>The resource attribute's value as protobuf writes it: AnyValue.string_value (field 1, length-delimited).</summary>
    private static byte[] ServiceName(string name) => [0x0A, (byte)name.Length, .. Encoding.UTF8.GetBytes(name)];

    private static bool Has(byte[] body, string text) => Has(body, Encoding.UTF8.GetBytes(text));

    private static bool Has(byte[] body, byte[] bytes) => body.AsSpan().IndexOf(bytes) >= 0;

    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
}

/// <summary>An OTLP/HTTP receiver on a free loopback port: keeps each export request's raw protobuf body.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _requests = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<byte[]> Traces => _requests.Where(r => r.Path == "/v1/traces").Select(r => r.Body).ToList();

    public IReadOnlyList<(string Path, string? ContentType, byte[] Body)> Requests => _requests.ToArray();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _requests.Enqueue((context.Request.Path, context.Request.ContentType, body.ToArray()));
            // An empty Export*ServiceResponse: no partial success to report.
            context.Response.ContentType = "application/x-protobuf";
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
