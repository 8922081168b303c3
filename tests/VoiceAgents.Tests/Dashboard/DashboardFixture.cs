using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Realtime;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>
/// The dashboard's static export (dashboard/out, built by dashboard/build.sh) served on a free loopback port with a
/// /config.js that points it at an API (local runner, queue triggers) and a voice-host handing calls to post-call
/// processing, as in <see cref="PostCallFixture"/>; the Web PubSub stand-in for live updates, as in
/// <see cref="RealtimeFixture"/>; and Debian's Chromium driven by Playwright, with a fake microphone
/// that speaks a flite WAV.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Question = "I would like to book a table for two.";
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplication? _site;
    private IPlaywright? _playwright;

    public ApiFixture Api { get; } = new();
    public WebPubSubStandIn PubSub { get; private set; } = default!;
    public VoiceHostInstance Voice { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public Uri SiteUri { get; private set; } = default!;
    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));
    public string WavPath { get; } = Path.Combine(Path.GetTempPath(), $"va-dashboard-{Guid.NewGuid():N}.wav");
    public static string OutFolder => Path.Combine(LocalStack.RepoRoot, "dashboard", "out");
    public static string ScreenshotFolder => Path.Combine(LocalStack.RepoRoot, "dashboard", "test-results");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(OutFolder, "index.html")))
        {
            throw new InvalidOperationException($"The dashboard is not built: {OutFolder} has no index.html. Run dashboard/build.sh (./test.sh does).");
        }
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium (./test.sh does).");
        Directory.CreateDirectory(ScreenshotFolder);
        File.Delete(Path.Combine(ScreenshotFolder, "browser.log"));

        // The site's address comes first: the API allows it as a CORS origin.
        _site = StartSite();
        await _site.StartAsync();
        var address = _site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        SiteUri = new Uri(address.TrimEnd('/') + "/");
        Api.Settings["Host:CORS"] = address.TrimEnd('/');
        // The stand-in, like Web PubSub, takes browser connections only from the dashboard's origin.
        PubSub = await WebPubSubStandIn.StartAsync(new Dictionary<string, string?> { ["WebPubSub:AllowedOrigins"] = address.TrimEnd('/') });
        Api.Settings["WebPubSub:ConnectionString"] = PubSub.ConnectionString;
        await Api.InitializeAsync();
        Voice = await VoiceHostInstance.StartAsync(PostCallFixture.VoiceSettings(Api, SpoolFolder));

        await File.WriteAllBytesAsync(WavPath, WithSilence(await VoiceFixture.SpeakAsync(Question), before: 1.0, after: 4.0));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                // A fake microphone that speaks the question once; a page still has to be granted the microphone.
                "--use-fake-device-for-media-stream",
                $"--use-file-for-fake-audio-capture={WavPath}%noloop",
                "--autoplay-policy=no-user-gesture-required",
                "--no-sandbox",
            ],
        });
    }

    private WebApplication StartSite()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        // Ahead of the static files, which hold the build's default config.js.
        app.Use(async (http, next) =>
        {
            if (http.Request.Path != "/config.js")
            {
                await next(http);
                return;
            }
            http.Response.ContentType = "text/javascript";
            http.Response.Headers.CacheControl = "no-store";
            await http.Response.WriteAsync(
                $"window.__VOICEAGENTS__ = {{ apiUrl: \"{Api.BaseAddress.ToString().TrimEnd('/')}\", voiceUrl: \"{Voice.WebSocketUri}\" }};");
        });
        var files = new PhysicalFileProvider(OutFolder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ServeUnknownFileTypes = false });
        // A middleware, not MapFallback: static files skip requests that matched an endpoint.
        app.Run(async http =>
        {
            http.Response.StatusCode = 404;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.SendFileAsync(files.GetFileInfo("404.html"));
        });
        return app;
    }

    /// <summary>A context of its own (storage, permissions); with the microphone granted unless told otherwise.</summary>
    public async Task<IBrowserContext> NewContextAsync(bool microphone = true, int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = SiteUri.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        if (microphone) await context.GrantPermissionsAsync(["microphone"], new BrowserContextGrantPermissionsOptions { Origin = SiteUri.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(15_000);
        // What the pages log and throw goes to a file beside the screenshots, for whoever reads a failure.
        context.Console += (_, m) => Log($"console.{m.Type} {m.Location}: {m.Text}");
        context.WebError += (_, e) => Log($"uncaught {e.Error}");
        return context;
    }

    private static readonly object LogGate = new();

    private static void Log(string line)
    {
        lock (LogGate) File.AppendAllText(Path.Combine(ScreenshotFolder, "browser.log"), $"{DateTime.UtcNow:HH:mm:ss.fff} {line}{Environment.NewLine}");
    }

    /// <summary>A 16-bit mono WAV with silence added before and after, as a caller pauses before and after speaking.</summary>
    private static byte[] WithSilence(byte[] wav, double before, double after)
    {
        var rate = BitConverter.ToInt32(wav, 24);
        var data = FindChunk(wav, "data");
        var pcm = wav.AsSpan(data.Offset, data.Length);
        int pre = (int)(rate * before) * 2, post = (int)(rate * after) * 2;
        var body = new byte[pre + pcm.Length + post];
        pcm.CopyTo(body.AsSpan(pre));
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(36 + body.Length);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(rate);
        w.Write(rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(body.Length);
        w.Write(body);
        w.Flush();
        return ms.ToArray();
    }

    private static (int Offset, int Length) FindChunk(byte[] wav, string id)
    {
        for (var i = 12; i + 8 <= wav.Length;)
        {
            var size = BitConverter.ToInt32(wav, i + 4);
            if (System.Text.Encoding.ASCII.GetString(wav, i, 4) == id) return (i + 8, Math.Min(size, wav.Length - i - 8));
            i += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"no {id} chunk in the WAV");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Voice is not null) await Voice.DisposeAsync();
        await Api.DisposeAsync();
        if (PubSub is not null) await PubSub.DisposeAsync();
        if (_site is not null) await _site.DisposeAsync();
        File.Delete(WavPath);
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
