using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Realtime;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>
/// The dashboard's static export (dashboard/out, built by dashboard/build.sh) served by its own server,
/// dashboard/serve.mjs (with its Content-Security-Policy), on a free loopback port, pointed at an API (local runner,
/// queue triggers) and a voice-host handing calls to post-call processing, as in <see cref="PostCallFixture"/>; the
/// Web PubSub stand-in for live updates, as in <see cref="RealtimeFixture"/>; and Debian's Chromium driven by
/// Playwright, with a fake microphone that speaks a flite WAV. Every page the tests open reports the CSP violations
/// it meets on its console (<see cref="CspViolation"/>).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Question = "I would like to book a table for two.";
    public const string ChromiumPath = "/usr/bin/chromium";

    private StandIn? _site;
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

    /// <summary>How a page's console reports that the Content-Security-Policy refused something.</summary>
    public const string CspViolation = "CSP violation:";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(OutFolder, "index.html")))
        {
            throw new InvalidOperationException($"The dashboard is not built: {OutFolder} has no index.html. Run dashboard/build.sh (./test.sh does).");
        }
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install chromium (./test.sh does).");
        Directory.CreateDirectory(ScreenshotFolder);
        File.Delete(Path.Combine(ScreenshotFolder, "browser.log"));

        // The site's port comes first: the API allows its origin for CORS; the site starts once it knows the API's.
        var port = StandIn.FreePort();
        var origin = $"http://127.0.0.1:{port}";
        SiteUri = new Uri(origin + "/");
        Api.Settings["Host:CORS"] = origin;
        // The stand-in, like Web PubSub, takes browser connections only from the dashboard's origin.
        PubSub = await WebPubSubStandIn.StartAsync(new Dictionary<string, string?> { ["WebPubSub:AllowedOrigins"] = origin });
        Api.Settings["WebPubSub:ConnectionString"] = PubSub.ConnectionString;
        // Agents' tools call receivers in the tests on 127.0.0.1 over http: ./run.sh's local exemption, for the API's
        // check on save and voice-host's on the call.
        Api.Settings["Webhooks:AllowPrivateTargets"] = "true";
        await Api.InitializeAsync();
        var voiceSettings = PostCallFixture.VoiceSettings(Api, SpoolFolder);
        voiceSettings["Webhooks:AllowPrivateTargets"] = "true";
        Voice = await VoiceHostInstance.StartAsync(voiceSettings);
        _site = StandIn.DashboardServer(SiteSettings(Api, Voice, PubSub), port);
        await _site.StartAsync();

        // Chromium's fake microphone plays from the moment the page opens it, and the page keeps the last 2 s it heard
        // before voice-host is ready: 3 s of silence first lets a call that takes up to about 4 s to be ready on a loaded
        // machine still hear the whole question. (A microphone started on cue through the page's own AudioContext was
        // tried instead, and its audio came out garbled under the full suite's load.)
        await File.WriteAllBytesAsync(WavPath, WithSilence(await VoiceFixture.SpeakAsync(Question), before: 3.0, after: 4.0));
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

    /// <summary>serve.mjs's settings for this stack: where the API, voice-host, Web PubSub and recordings (S3) are.</summary>
    public static Dictionary<string, string> SiteSettings(ApiFixture api, VoiceHostInstance voice, WebPubSubStandIn pubsub) => new()
    {
        ["DASHBOARD_API_URL"] = api.BaseAddress.ToString().TrimEnd('/'),
        ["DASHBOARD_VOICE_URL"] = voice.WebSocketUri.ToString(),
        ["DASHBOARD_PUBSUB_URL"] = $"ws://{pubsub.Endpoint.Authority}",
        ["DASHBOARD_MEDIA_URL"] = LocalStack.S3Url,
    };

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
        await context.AddInitScriptAsync(
            $"document.addEventListener('securitypolicyviolation', e => console.error(`{CspViolation} ${{e.violatedDirective}} ${{e.blockedURI}} at ${{e.sourceFile}}:${{e.lineNumber}}`));");
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
