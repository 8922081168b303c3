using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Bench.Api;

/// <summary>
/// What every bench that serves the Functions app in-process shares (linked into bench/PostCall and bench/Dialer):
/// Ctrl-C, progress lines, a CongoDB stand-in of its own unless one is given, the runner's base settings, and a
/// tenant signed up through the API.
/// </summary>
public static class BenchHost
{
    /// <summary>A token that Ctrl-C cancels (the bench then stops what it started).</summary>
    public static CancellationToken CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return cts.Token;
    }

    public static void Say(string text) => Console.WriteLine($"[bench {DateTime.UtcNow:HH:mm:ss}] {text}");

    /// <summary>
    /// The given MongoDB (<c>--mongo-url</c>), or a CongoDB stand-in started for the bench (heap capped at
    /// <paramref name="maxHeapMb"/> when given); the caller disposes the stand-in, if any.
    /// </summary>
    public static async Task<(CongoDbProcess? Own, string Url)> StartMongoAsync(BenchSettings settings, CancellationToken ct, int? maxHeapMb = null)
    {
        if (!string.IsNullOrEmpty(settings.MongoUrl)) return (null, settings.MongoUrl);
        var heap = maxHeapMb is { } max ? Math.Min(settings.MongoHeapMb, max) : settings.MongoHeapMb;
        var mongo = await CongoDbProcess.StartAsync(settings with { MongoHeapMb = heap }, ct);
        Say($"CongoDB {settings.CongoDbScript} (in memory, heap {heap} MiB) on {mongo.Url}, pid {mongo.ProcessId}, output in {mongo.LogPath}");
        return (mongo, mongo.Url);
    }

    /// <summary>The local runner's settings every bench starts from: its own database and bucket, the stack, a JWT key.</summary>
    public static Dictionary<string, string?> RunnerSettings(BenchSettings settings, string mongoUrl, string database, string runId) => new()
    {
        ["Mongo:ConnectionString"] = mongoUrl,
        ["Mongo:Database"] = database,
        ["S3:ServiceUrl"] = settings.S3Url,
        ["S3:Bucket"] = $"bench-{runId}",
        ["S3:AccessKey"] = "bench",
        ["S3:SecretKey"] = "bench-secret",
        ["AzureWebJobsStorage"] = settings.StorageConnectionString,
        ["Jwt:SigningKey"] = "bench-signing-key-0123456789-abcdefghijklmnop",
        ["Jwt:Issuer"] = "voiceagents",
        ["Jwt:Audience"] = "voiceagents-api",
        ["HostJsonPath"] = Path.Combine(settings.RepoRoot, "host.json"),
        // The benches play many clients from one machine through X-Forwarded-For, as behind the Functions front end.
        ["TrustedProxy:Header"] = "X-Forwarded-For",
        // One log line per request or message would measure the console, not the app.
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    /// <summary>/proc/loadavg, recorded with results because other work may share the cores.</summary>
    /// <summary>Signs a new tenant up through the API (<c>POST auth/signup</c>, 201); its id and its admin's access token.</summary>
    public static async Task<(string TenantId, string Token)> SignupAsync(HttpClient http, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new { email = $"bench-{Guid.NewGuid():N}@example.com", password = "bench-orchid-lantern-73", name = "Bench", organization = "Bench" }, JsonDefaults.Options);
        using var response = await http.PostAsync("auth/signup", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"signup: {(int)response.StatusCode} {text}");
        var node = JsonNode.Parse(text)!;
        return (node["user"]!["tenant_id"]!.GetValue<string>(), node["tokens"]!["access_token"]!.GetValue<string>());
    }

    /// <summary>The <paramref name="q"/> quantile of <paramref name="values"/> (nearest rank), to 0.1; null when there are none.</summary>
    public static double? Percentile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 1);
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
}
