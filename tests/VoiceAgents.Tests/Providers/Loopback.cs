using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Providers;

/// <summary>An in-process Kestrel on a free 127.0.0.1 port, standing in for a vendor.</summary>
public static class Loopback
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Action<WebApplication> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    /// <summary>The providers as voice-host wires them (<see cref="ProviderSetup.AddProviders"/>), configured from these settings.</summary>
    public static ServiceProvider SttServices(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddProviders();
        return services.BuildServiceProvider();
    }

    /// <summary>A 440 Hz tone, so audio is never all zeros.</summary>
    public static short[] Tone(int samples)
    {
        var tone = new short[samples];
        for (var i = 0; i < samples; i++) tone[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
        return tone;
    }

    public static byte[] LittleEndian(short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            bytes[2 * i] = (byte)samples[i];
            bytes[2 * i + 1] = (byte)(samples[i] >> 8);
        }
        return bytes;
    }
}

/// <summary>A request as the loopback vendor received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>A loopback HTTP vendor: records each request, then answers as <see cref="Respond"/> says.</summary>
public sealed class HttpLoopback : IAsyncDisposable
{
    private WebApplication _app = default!;

    public Uri BaseUrl { get; private set; } = default!;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Func<HttpContext, Task> Respond { get; set; } = ctx =>
    {
        ctx.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    /// <summary>Set when the client gave up on a request before its response was complete.</summary>
    public TaskCompletionSource ClientAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<HttpLoopback> StartAsync()
    {
        var server = new HttpLoopback();
        (server._app, server.BaseUrl) = await Loopback.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue(new RecordedRequest(
            ctx.Request.Method,
            ctx.Request.Path.Value ?? "",
            ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        using var registration = ctx.RequestAborted.Register(() => ClientAborted.TrySetResult());
        try
        {
            await Respond(ctx);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>Answers with a JSON body.</summary>
    public static Func<HttpContext, Task> Json(int status, string json, TimeSpan delay = default) => async ctx =>
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay, ctx.RequestAborted);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    };

    /// <summary>Promises a body, sends part of it, then drops the connection.</summary>
    public static Func<HttpContext, Task> DropMidBody(string start) => async ctx =>
    {
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = start.Length + 500;
        await ctx.Response.WriteAsync(start, ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        await Task.Delay(100, ctx.RequestAborted);
        ctx.Abort();
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
