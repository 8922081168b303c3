using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Providers.VendorServers;

/// <summary>A request as the loopback server saw it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// An in-process Kestrel on 127.0.0.1 standing in for a vendor: each test gives it a handler that speaks the vendor's
/// wire protocol. It records every request (HTTP body read up front, so handlers must not read it again) and notes
/// when the client went away.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly TaskCompletionSource _clientGone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoopbackServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = default!;

    /// <summary>The ws:// twin of <see cref="BaseUri"/>.</summary>
    public Uri WebSocketUri => new UriBuilder(BaseUri) { Scheme = "ws" }.Uri;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public RecordedRequest Single() => Assert.Single(Requests);

    /// <summary>Completes when the first request has arrived and its handler is about to run.</summary>
    public Task RequestArrived => _arrived.Task;

    /// <summary>Completes when the client aborts a request or closes its connection before the handler finished.</summary>
    public Task ClientGone => _clientGone.Task;

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.UseWebSockets();
        app.Run(async context =>
        {
            var body = "";
            if (!context.WebSockets.IsWebSocketRequest)
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                body = await reader.ReadToEndAsync();
            }
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            server._requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", headers, body));
            using var gone = context.RequestAborted.Register(() => server._clientGone.TrySetResult());
            server._arrived.TrySetResult();
            try
            {
                await handler(context);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or System.Net.WebSockets.WebSocketException)
            {
                server._clientGone.TrySetResult();
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>Writing server-sent events and raw responses the way the vendors do.</summary>
public static class Wire
{
    public static void StartSse(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
    }

    /// <summary>One SSE event (<c>event:</c> line only when named), flushed at once.</summary>
    public static async Task EventAsync(HttpContext context, string data, string? name = null)
    {
        var text = name is null ? $"data: {data}\n\n" : $"event: {name}\ndata: {data}\n\n";
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public static async Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Sends the start of a JSON body that announces more, then drops the connection.</summary>
    public static async Task TruncatedJsonAsync(HttpContext context, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(50);
        context.Abort();
    }

    /// <summary>Waits until the client goes away (a request that never answers).</summary>
    public static Task HangAsync(HttpContext context) => Task.Delay(Timeout.Infinite, context.RequestAborted);

    /// <summary>Waits a while before answering: a slow first byte.</summary>
    public static Task DelayAsync(HttpContext context, TimeSpan delay) => Task.Delay(delay, context.RequestAborted);

    /// <summary>A PCM16 mono WAV of a rising ramp, so chunk order is checkable.</summary>
    public static byte[] RampWav(int samples, int sampleRate)
    {
        using var stream = new MemoryStream();
        VoiceAgents.VoiceHost.Audio.Wav.WriteHeader(stream, sampleRate, 1, samples * 2L);
        for (var i = 0; i < samples; i++)
        {
            var v = (short)(i % 30000);
            stream.WriteByte((byte)v);
            stream.WriteByte((byte)(v >> 8));
        }
        return stream.ToArray();
    }
}
