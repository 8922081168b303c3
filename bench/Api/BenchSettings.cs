using System.Globalization;

namespace VoiceAgents.Bench.Api;

/// <summary>
/// Every knob of the bench, from <c>--name=value</c> arguments or <c>BENCH_NAME</c> environment variables (an
/// argument wins). The defaults are the local test stack's ports, so a script can drive the bench with variables.
/// </summary>
public sealed record BenchSettings
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>An existing MongoDB to use; empty means start a CongoDB stand-in of the bench's own.</summary>
    public string? MongoUrl { get; init; }
    /// <summary>The CongoDB launcher (infra/local/congodb-server.mjs: PORT and HOST from the environment, in memory unless PERSIST_PATH).</summary>
    public required string CongoDbScript { get; init; }
    public required string Node { get; init; }
    public int MongoHeapMb { get; init; }
    public required string S3Url { get; init; }
    public required string StorageConnectionString { get; init; }
    public int CallLogs { get; init; }
    public int OtherTenants { get; init; }
    public int OtherTenantCallLogs { get; init; }
    public int BatchSize { get; init; }
    public int Campaigns { get; init; }
    public int Concurrency { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>Only seed and time the seeding (to extrapolate before a big run).</summary>
    public bool SeedOnly { get; init; }
    public required string ResultsDir { get; init; }
    public required string RepoRoot { get; init; }

    public static BenchSettings Load(string[] args)
    {
        var values = args.Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2))
            .ToDictionary(p => p[0].Replace('-', '_').ToUpperInvariant(), p => p.Length > 1 ? p[1] : "true");
        string? Get(string name) =>
            values.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable("BENCH_" + name) is { Length: > 0 } e ? e : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v.Replace("_", ""), CultureInfo.InvariantCulture) : fallback;
        int Port(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var p) ? p : fallback;

        var root = FindRepoRoot();
        int blob = Port("TEST_AZURITE_BLOB_PORT", 10100), queue = Port("TEST_AZURITE_QUEUE_PORT", 10101);
        return new BenchSettings
        {
            MongoUrl = Get("MONGO_URL"),
            CongoDbScript = Get("CONGODB_SCRIPT") ?? Path.Combine(root, "infra", "local", "congodb-server.mjs"),
            Node = Get("NODE") ?? "node",
            MongoHeapMb = Int("MONGO_HEAP_MB", 12288),
            S3Url = Get("S3_URL") ?? $"http://127.0.0.1:{Port("TEST_S3_PORT", 4666)}",
            StorageConnectionString = Get("STORAGE") ??
                $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};" +
                $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;",
            CallLogs = Int("CALL_LOGS", 1_000_000),
            OtherTenants = Int("OTHER_TENANTS", 3),
            OtherTenantCallLogs = Int("OTHER_TENANT_CALL_LOGS", 10_000),
            BatchSize = Int("BATCH_SIZE", 1_000),
            Campaigns = Int("CAMPAIGNS", 20),
            Concurrency = Int("CONCURRENCY", 8),
            Duration = TimeSpan.FromSeconds(Int("DURATION_SECONDS", 30)),
            SeedOnly = Get("SEED_ONLY") is "1" or "true",
            ResultsDir = Get("RESULTS_DIR") ?? Path.Combine(root, "bench", "results"),
            RepoRoot = root,
        };
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "VoiceAgents.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("VoiceAgents.sln not found above the working directory or the bench binaries.");
    }
}
