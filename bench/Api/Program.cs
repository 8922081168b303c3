using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Bench.Api;
using static VoiceAgents.Bench.Api.BenchHost;
using VoiceAgents.Core.Json;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.LocalRunner;
using VoiceAgents.Functions.PostCall;

// Seeds call logs into a MongoDB stand-in of its own, serves the API in-process with the local runner, and measures
// GET /call-logs (first page), GET /call-logs?campaign_id= and POST /auth/login under a fixed number of clients.
var settings = BenchSettings.Load(args);
var ct = BenchHost.CancelOnCtrlC();
var (ownMongo, mongoUrl) = await BenchHost.StartMongoAsync(settings, ct);
await using var _ = ownMongo;

var runId = Guid.NewGuid().ToString("N")[..8];
var app = LocalRunnerApp.Create([], [typeof(ApiSetup).Assembly], b =>
{
    b.WebHost.UseUrls("http://127.0.0.1:0");
    var config = BenchHost.RunnerSettings(settings, mongoUrl, $"bench_{runId}", runId);
    // The stand-in is single-threaded: while it scans a million documents it answers no heartbeat, and the
    // driver's default 5 s would mark it down and cut the connections of the queries it is working on.
    config["Mongo:ConnectTimeout"] = "00:10:00";
    config["Mongo:ServerSelectionTimeout"] = "00:10:00";
    b.Configuration.AddInMemoryCollection(config);
});
await app.StartAsync(ct);
try
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
    {
        BaseAddress = new Uri(address.TrimEnd('/') + "/api/"),
        Timeout = TimeSpan.FromMinutes(10),
    };
    Say($"runner on {http.BaseAddress}");

    const string password = "bench-orchid-lantern-73";
    if (args.Contains("overhead"))
    {
        // The API's overhead over the driver on the list's query (bench/README.md); --sizes=10000,100000 --duration-seconds=60.
        var sizes = args.FirstOrDefault(a => a.StartsWith("--sizes=", StringComparison.Ordinal)) is { } list
            ? list["--sizes=".Length..].Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : [10_000, 100_000];
        await ApiOverhead.RunAsync(http, app.Services.GetRequiredService<VoiceAgents.Core.Data.MongoContext>(), app.Services.GetRequiredService<CallRecords>(), settings,
            sizes, args.Any(a => a.StartsWith("--duration-seconds=", StringComparison.Ordinal)) ? settings.Duration : TimeSpan.FromSeconds(60),
            (label, c) => SignupAsync(http, label, password, c), (email, c) => LoginAsync(http, email, password, $"198.51.100.{Random.Shared.Next(2, 255)}", c), ct);
        return;
    }
    var main = await SignupAsync(http, "main", password, ct);
    var others = new List<(string Email, string TenantId)>();
    for (var i = 0; i < settings.OtherTenants; i++) others.Add(await SignupAsync(http, $"other{i}", password, ct));

    var seeder = new Seeder(app.Services.GetRequiredService<CallRecords>(), settings);
    foreach (var (email, tenantId) in others)
    {
        await seeder.SeedAsync(tenantId, settings.OtherTenantCallLogs, null, ct);
    }
    Say($"seeded {settings.OtherTenants} other tenants with {settings.OtherTenantCallLogs:N0} call logs each");
    var progressEvery = Math.Max(settings.BatchSize, settings.CallLogs / 20);
    long lastReported = 0;
    var seed = await seeder.SeedAsync(main.TenantId, settings.CallLogs, (done, elapsed) =>
    {
        if (done - Interlocked.Read(ref lastReported) < progressEvery && done < settings.CallLogs) return;
        Interlocked.Exchange(ref lastReported, done);
        Say($"  {done:N0} call logs in {elapsed.TotalSeconds:F1} s ({done / elapsed.TotalSeconds:N0}/s), stand-in RSS {ownMongo?.ResidentMemoryMb():N0} MiB");
    }, ct);
    var rssAfterSeed = ownMongo?.ResidentMemoryMb();
    Say($"seeded {seed.Documents:N0} call logs for the main tenant in {seed.Seconds:N1} s ({seed.DocumentsPerSecond:N0}/s)");

    var results = new List<ScenarioResult>();
    if (!settings.SeedOnly)
    {
        var token = await LoginAsync(http, main.Email, password, "198.51.100.1", ct);
        var campaign = seed.CampaignIds[0];
        await CheckListAsync(http, token, "call-logs?limit=50", null, ct);
        await CheckListAsync(http, token, $"call-logs?limit=50&campaign_id={campaign}", campaign, ct);

        HttpRequestMessage Get(string uri)
        {
            var m = new HttpRequestMessage(HttpMethod.Get, uri);
            m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return m;
        }
        var loginBody = JsonSerializer.Serialize(new { email = main.Email, password }, JsonDefaults.Options);
        HttpRequestMessage Login(long n)
        {
            var m = new HttpRequestMessage(HttpMethod.Post, "auth/login") { Content = new StringContent(loginBody, Encoding.UTF8, "application/json") };
            // A distinct client address per request keeps the 5-a-minute limit per IP and email out of the way.
            var k = n + 1_000_000;
            m.Headers.Add("X-Forwarded-For", $"10.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}");
            return m;
        }

        foreach (var (name, request, create) in new (string, string, Func<long, HttpRequestMessage>)[]
        {
            ("call_logs_first_page", "GET /api/call-logs?limit=50", _ => Get("call-logs?limit=50")),
            ("call_logs_by_campaign", "GET /api/call-logs?limit=50&campaign_id={id}", _ => Get($"call-logs?limit=50&campaign_id={campaign}")),
            ("auth_login", "POST /api/auth/login (distinct X-Forwarded-For)", Login),
        })
        {
            Say($"{name}: {settings.Concurrency} clients for {settings.Duration.TotalSeconds:N0} s");
            var result = await LoadRunner.RunAsync(name, request, http, create, settings.Concurrency, settings.Duration, ct);
            Say($"  {result.Ok} ok, {result.TooManyRequests} 429, {result.Errors} errors; {result.OkPerSecond} req/s; p50 {result.P50Ms} ms, p99 {result.P99Ms} ms");
            results.Add(result);
        }
    }

    var report = Report.Build(settings, ownMongo is not null, mongoUrl, seed, rssAfterSeed, results);
    Directory.CreateDirectory(settings.ResultsDir);
    var suffix = settings.SeedOnly ? "-seed" : "";
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, $"api{suffix}.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, $"api{suffix}.md"), Report.Markdown(report), ct);
    Say($"wrote {Path.Combine(settings.ResultsDir, $"api{suffix}.json")} and .md");
}
finally
{
    await app.StopAsync(CancellationToken.None);
    await app.DisposeAsync();
}

static async Task<(string Email, string TenantId)> SignupAsync(HttpClient http, string label, string password, CancellationToken ct)
{
    var email = $"bench-{label}-{Guid.NewGuid():N}@example.com";
    var body = JsonSerializer.Serialize(new { email, password, name = "Bench Admin", organization = $"Bench {label}" }, JsonDefaults.Options);
    using var request = new HttpRequestMessage(HttpMethod.Post, "auth/signup") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    // Signups are limited per address: each tenant signs up from one of its own.
    request.Headers.Add("X-Forwarded-For", $"198.51.100.{Random.Shared.Next(2, 255)}");
    using var response = await http.SendAsync(request, ct);
    var text = await response.Content.ReadAsStringAsync(ct);
    if ((int)response.StatusCode != 201) throw new InvalidOperationException($"signup: {(int)response.StatusCode} {text}");
    return (email, JsonNode.Parse(text)!["user"]!["tenant_id"]!.GetValue<string>());
}

static async Task<string> LoginAsync(HttpClient http, string email, string password, string ip, CancellationToken ct)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "auth/login")
    {
        Content = new StringContent(JsonSerializer.Serialize(new { email, password }, JsonDefaults.Options), Encoding.UTF8, "application/json"),
    };
    request.Headers.Add("X-Forwarded-For", ip);
    using var response = await http.SendAsync(request, ct);
    var text = await response.Content.ReadAsStringAsync(ct);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"login: {(int)response.StatusCode} {text}");
    return JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
}

// The bench measures real answers: a full first page, newest first, only the asked campaign.
static async Task CheckListAsync(HttpClient http, string token, string uri, string? campaign, CancellationToken ct)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, uri);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var started = Stopwatch.StartNew();
    using var response = await http.SendAsync(request, ct);
    var text = await response.Content.ReadAsStringAsync(ct);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{uri}: {(int)response.StatusCode} {text}");
    var items = JsonNode.Parse(text)!["items"]!.AsArray();
    var created = items.Select(i => i!["created_at"]!.GetValue<DateTime>()).ToList();
    if (items.Count != 50 || JsonNode.Parse(text)!["next_cursor"] is null || !created.SequenceEqual(created.OrderDescending())
        || (campaign is not null && items.Any(i => i!["campaign_id"]?.GetValue<string>() != campaign)))
    {
        throw new InvalidOperationException($"{uri} answered an unexpected page: {text[..Math.Min(500, text.Length)]}");
    }
    Console.WriteLine($"[bench] check {uri}: 50 items, newest {created[0]:O}, {started.ElapsedMilliseconds} ms");
}
