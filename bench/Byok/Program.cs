using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Bench.Api;
using VoiceAgents.Core;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Bench.Api.BenchHost;

// The cost of tenants' own provider keys at call setup. (1) AES-256-GCM alone: seal and open one key. (2) What
// voice-host adds to a call's setup for an agent on three vendors (openai LLM, deepgram STT, cartesia TTS):
// CallProviderKeys.ForCallAsync (one MongoDB read of the tenant's keys, each opened) and ProviderFactory building the
// three providers on those keys, against a tenant with no keys (the same read, nothing to open, the shared
// providers). Results: bench/results/byok.md.

var ct = CancelOnCtrlC();
var settings = BenchSettings.Load(args);
var cipherRounds = Arg("cipher-rounds", 20_000);
var setups = Arg("setups", 500);
var started = DateTime.UtcNow;
var loadBefore = LoadAverage();

var (own, mongoUrl) = await StartMongoAsync(settings, ct, maxHeapMb: 1024);
await using var ownMongo = own;
var runId = Guid.NewGuid().ToString("N")[..8];
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Mongo:ConnectionString"] = mongoUrl,
    ["Mongo:Database"] = $"bench_byok_{runId}",
    ["S3:ServiceUrl"] = settings.S3Url,
    ["S3:Bucket"] = $"bench-{runId}",
    ["Jwt:SigningKey"] = "bench-signing-key-0123456789-abcdefghijklmnop",
    ["Credentials:MasterKeys:bench"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    ["Credentials:ActiveKeyId"] = "bench",
    ["Providers:OpenAI:ApiKey"] = "sk-platform",
    ["Providers:Deepgram:ApiKey"] = "dg-platform",
    ["Providers:Cartesia:ApiKey"] = "cartesia-platform",
}).Build();
var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddVoiceAgentsCore();
collection.AddProviders();
collection.AddSingleton<CallProviderKeys>();
await using var services = collection.BuildServiceProvider();
var cipher = services.GetRequiredService<CredentialCipher>();
var db = services.GetRequiredService<MongoContext>();
var keys = services.GetRequiredService<CallProviderKeys>();
var factory = services.GetRequiredService<ProviderFactory>();

// (1) The cipher alone.
var seal = new double[cipherRounds];
var open = new double[cipherRounds];
var secret = "sk-proj-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(48));
for (var i = 0; i < cipherRounds; i++)
{
    var t0 = Stopwatch.GetTimestamp();
    var sealedKey = cipher.Seal("tenant", "openai", secret);
    var t1 = Stopwatch.GetTimestamp();
    if (cipher.Open("tenant", "openai", sealedKey) != secret) throw new InvalidOperationException("round trip changed the key");
    var t2 = Stopwatch.GetTimestamp();
    seal[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
    open[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
}
Say($"cipher: {cipherRounds} seals and opens");

// (2) Call setup: a tenant with its three keys, and one with none.
var withKeys = Ids.New();
var withoutKeys = Ids.New();
var now = DateTime.UtcNow;
foreach (var provider in new[] { "openai", "deepgram", "cartesia" })
{
    await db.ProviderCredentials.InsertOneAsync(new ProviderCredential
    {
        Id = Ids.New(), TenantId = withKeys, Provider = provider,
        Key = cipher.Seal(withKeys, provider, $"{provider}-tenant-key-{runId}"), Last4 = runId[^4..], CreatedAt = now, UpdatedAt = now,
    }, cancellationToken: ct);
}
var agent = new Agent
{
    Id = Ids.New(), TenantId = withKeys, UserId = Ids.New(), Name = "bench",
    Llm = new LlmConfig { Provider = "openai", Model = "gpt-4o-mini" },
    Stt = new SttConfig { Provider = "deepgram", Language = "en-US" },
    Tts = new TtsConfig { Provider = "cartesia", Voice = "voice" },
};

async Task<(double[] Keys, double[] Providers)> SetupsAsync(string tenantId)
{
    var keyTimes = new double[setups];
    var providerTimes = new double[setups];
    for (var i = -20; i < setups; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        var opened = await keys.ForCallAsync(tenantId, agent, ct);
        var t1 = Stopwatch.GetTimestamp();
        var created = new List<object>();
        _ = factory.Stt(agent, opened, created);
        _ = factory.Llm(agent, opened, created);
        _ = factory.Tts(agent, opened, created);
        var t2 = Stopwatch.GetTimestamp();
        foreach (var p in created.OfType<IDisposable>()) p.Dispose();
        if (tenantId == withKeys && created.Count != 3) throw new InvalidOperationException($"expected 3 providers on the tenant's keys, made {created.Count}");
        if (i < 0) continue; // warm-up
        keyTimes[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
        providerTimes[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
    }
    return (keyTimes, providerTimes);
}

var own3 = await SetupsAsync(withKeys);
var none = await SetupsAsync(withoutKeys);
Say($"call setup: {setups} with keys, {setups} without");
await db.Client.DropDatabaseAsync(db.Database.DatabaseNamespace.DatabaseName, ct);

static string Row(string name, double[] values, string unit)
{
    var sorted = values.Order().ToArray();
    double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"| {name} | {P(0.5):0.###} | {P(0.95):0.###} | {P(0.99):0.###} | {sorted[^1]:0.###} | {unit} |");
}

var md = new StringBuilder();
md.AppendLine("# Tenants' provider keys (BYOK) bench results").AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Run {started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {(DateTime.UtcNow - started).TotalSeconds:0.0} s.");
md.AppendLine(CultureInfo.InvariantCulture, $"Load average before `{loadBefore}`, after `{LoadAverage()}`. MongoDB: {(own is null ? mongoUrl : "a CongoDB stand-in of the bench's own (in memory)")}.").AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"AES-256-GCM of one {secret.Length}-character key, {cipherRounds} rounds; then {setups} call setups (after 20 warm-up ones) of an agent on `openai`, `deepgram` and `cartesia`, one at a time.").AppendLine();
md.AppendLine("| | p50 | p95 | p99 | max | unit |").AppendLine("|---|---:|---:|---:|---:|---|");
md.AppendLine(Row("seal one key (encrypt)", seal, "µs"));
md.AppendLine(Row("open one key (decrypt)", open, "µs"));
md.AppendLine(Row("round trip (seal + open)", seal.Zip(open, (a, b) => a + b).ToArray(), "µs"));
md.AppendLine(Row("**call setup, tenant with 3 keys**: read + open (`CallProviderKeys`)", own3.Keys, "ms"));
md.AppendLine(Row("call setup, tenant with 3 keys: build the 3 providers on them", own3.Providers, "ms"));
md.AppendLine(Row("call setup, tenant without keys: read (nothing to open)", none.Keys, "ms"));
md.AppendLine(Row("call setup, tenant without keys: the shared providers", none.Providers, "ms"));
md.AppendLine().AppendLine("The read is one `find` of the tenant's credentials for the agent's vendors (index `tenant_id, provider`; the CongoDB stand-in scans and decodes with mingo, so with keys to return it dominates). The machine was shared (see the load average). What the keys themselves add to a call's setup is the three opens (a few µs) and building the three providers for the call instead of sharing the singletons.");
Directory.CreateDirectory(settings.ResultsDir);
var path = Path.Combine(settings.ResultsDir, "byok.md");
await File.WriteAllTextAsync(path, md.ToString(), ct);
Console.WriteLine(md);
Say($"wrote {path}");

int Arg(string name, int fallback) =>
    args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } a ? int.Parse(a[(name.Length + 3)..], CultureInfo.InvariantCulture) : fallback;
