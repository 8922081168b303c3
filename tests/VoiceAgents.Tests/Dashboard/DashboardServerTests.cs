using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>
/// dashboard/serve.mjs on its own: the security headers on every response, a CSP that admits exactly a page's own
/// inline scripts and the configured addresses, and a bound on how long a client may take to send its request head.
/// </summary>
public sealed partial class DashboardServerTests : IAsyncLifetime
{
    private const int HeadersTimeoutSeconds = 2;
    private const string Api = "http://127.0.0.1:7171/api";
    private const string Voice = "ws://127.0.0.1:7960/ws";
    private const string PubSub = "wss://voiceagents.webpubsub.azure.com";
    private const string Media = "https://recordings.example.com";

    private StandIn _site = default!;
    private Uri Site => new($"http://127.0.0.1:{_site.Port}/");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(DashboardFixture.OutFolder, "index.html")))
        {
            throw new InvalidOperationException($"The dashboard is not built: {DashboardFixture.OutFolder} has no index.html. Run dashboard/build.sh (./test.sh does).");
        }
        _site = StandIn.DashboardServer(new()
        {
            ["DASHBOARD_API_URL"] = Api, ["DASHBOARD_VOICE_URL"] = Voice, ["DASHBOARD_PUBSUB_URL"] = PubSub, ["DASHBOARD_MEDIA_URL"] = Media,
            ["DASHBOARD_HEADERS_TIMEOUT"] = HeadersTimeoutSeconds.ToString(),
        });
        await _site.StartAsync();
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Theory]
    [InlineData("GET", "login/", 200)]
    [InlineData("GET", "config.js", 200)]
    [InlineData("GET", "worklets/capture.js", 200)]
    [InlineData("GET", "no/such/page/", 404)]
    [InlineData("GET", "agents", 308)]
    [InlineData("POST", "login/", 405)]
    [InlineData("GET", "%E0%A4%A", 400)]
    public async Task Every_response_carries_the_security_headers(string method, string path, int status)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(Site, path)));

        Assert.Equal(status, (int)response.StatusCode);
        var csp = Directives(Header(response, "Content-Security-Policy"));
        Assert.Equal(["'none'"], csp["frame-ancestors"]);
        Assert.Equal(["'none'"], csp["object-src"]);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Theory]
    [InlineData("login/")]
    [InlineData("call-logs/")]
    [InlineData("talk/")]
    [InlineData("call-logs/view/")]
    public async Task A_pages_policy_admits_its_own_inline_scripts_and_the_configured_addresses_only(string page)
    {
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(Site, page));
        var html = await response.Content.ReadAsStringAsync();

        var csp = Directives(Header(response, "Content-Security-Policy"));
        var inline = InlineScript().Matches(html).Select(m => m.Groups[1].Value).Where(s => s.Length > 0).ToList();
        Assert.NotEmpty(inline);
        var hashes = inline.Select(s => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(s)))}'").ToHashSet();
        Assert.Equal(hashes.Append("'self'").Order(StringComparer.Ordinal), csp["script-src"].Order(StringComparer.Ordinal));
        Assert.DoesNotContain(csp.Values.SelectMany(v => v), v => v is "'unsafe-inline'" or "'unsafe-eval'" or "*");
        Assert.Equal(["'self'", "http://127.0.0.1:7171", "ws://127.0.0.1:7960", PubSub], csp["connect-src"]);
        Assert.Equal(["'self'", "blob:", Media], csp["media-src"]);
    }

    [Fact]
    public async Task A_client_that_trickles_its_headers_is_cut_off_with_408_after_the_timeout()
    {
        await using var client = await RawHttp.ConnectAsync(Site);
        var started = Stopwatch.StartNew();
        await client.WriteAsync("GET /login/ HTTP/1.1\r\nHost: dashboard\r\nX-Slow: ");

        // One byte every 200 ms, for as long as the server keeps the connection.
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await client.Stream.WriteAsync("a"u8.ToArray(), stop.Token);
                    await Task.Delay(200, stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });
        var received = await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(20));
        var elapsed = started.Elapsed;
        await stop.CancelAsync();
        await trickle;

        Assert.StartsWith("HTTP/1.1 408", received, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(HeadersTimeoutSeconds - 0.5), TimeSpan.FromSeconds(HeadersTimeoutSeconds + 3));
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_timeout()
    {
        await using var client = await RawHttp.ConnectAsync(Site);
        var started = Stopwatch.StartNew();

        await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(20));

        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(HeadersTimeoutSeconds - 0.5), TimeSpan.FromSeconds(HeadersTimeoutSeconds + 3));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"no {name} header on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");

    private static Dictionary<string, string[]> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0], d => d[1..]);

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)</script>")]
    private static partial Regex InlineScript();
}
