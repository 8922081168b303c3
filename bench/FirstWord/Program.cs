using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Bench.Api;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost;
using VoiceAgents.VoiceHost.Calls;
using static VoiceAgents.Bench.Api.BenchHost;

// The first word of a call (issue 16, item 4), against two voice-hosts in this process with the local providers
// (flite slt) and a CongoDB stand-in of their own. "Before": the agent read for every call and the greeting
// synthesized after "ready" (Voice:AgentCacheTtl 0, Voice:PrepareGreeting false). "After": the defaults, the agent
// cached for 3 s and the greeting's first audio made during setup and cached. Calls alternate between the rows, one
// at a time, so the machine's load falls on both alike. Results: bench/results/first-word.json and first-word.md.
var settings = BenchSettings.Load(args);
int Arg(string name, int fallback) => args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } v
    ? int.Parse(v[(name.Length + 3)..], CultureInfo.InvariantCulture) : fallback;
var calls = Arg("calls", 50);
var ct = CancelOnCtrlC();
var (ownMongo, mongoUrl) = await StartMongoAsync(settings, ct, maxHeapMb: 1024);
await using var _ = ownMongo;

const string Greeting = "Hello, thanks for calling the Corner Bakery. How can I help you today?";
var runId = Guid.NewGuid().ToString("N")[..8];
var database = $"bench_first_word_{runId}";
var db = new MongoContext(Options.Create(new MongoOptions { ConnectionString = mongoUrl, Database = database }));
var jwt = new JwtOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), AccessTokenLifetime = TimeSpan.FromHours(6) };
var tokens = new TokenService(Options.Create(jwt), TimeProvider.System);

var hangUps = new List<Task>();
var before = await StartAsync("before", new() { ["Voice:AgentCacheTtl"] = "00:00:00", ["Voice:PrepareGreeting"] = "false", ["Voice:GreetingCacheMegabytes"] = "0" });
var after = await StartAsync("after", []);
try
{
    var (beforeAgent, beforeToken) = await AgentAsync();
    var (afterAgent, afterToken) = await AgentAsync();
    // One call each first, so neither row counts the first call's JIT and connection pools.
    await CallAsync(before.Ws, beforeAgent, beforeToken);
    await CallAsync(after.Ws, afterAgent, afterToken);
    Say($"before on {before.Ws}, after on {after.Ws}; {calls} calls per row, alternating");
    var rows = new Dictionary<string, List<Timing>> { ["before"] = [], ["after, a new agent each call"] = [], ["after, the same agent"] = [] };
    var greetings = after.App.Services.GetRequiredService<GreetingAudio>();
    var synthesesBefore = greetings.Syntheses;
    for (var i = 0; i < calls; i++)
    {
        rows["before"].Add(await CallAsync(before.Ws, beforeAgent, beforeToken));
        var (fresh, freshToken) = await AgentAsync();
        rows["after, a new agent each call"].Add(await CallAsync(after.Ws, fresh, freshToken));
        rows["after, the same agent"].Add(await CallAsync(after.Ws, afterAgent, afterToken));
    }
    var syntheses = greetings.Syntheses - synthesesBefore;
    Task[] ending;
    lock (hangUps) ending = [.. hangUps];
    await Task.WhenAll(ending);
    foreach (var (name, timings) in rows) Say($"{name}: {Summary(timings)}");
    Say($"after: {syntheses} greeting syntheses for {2 * calls} calls ({calls} to new agents)");

    var machine = LoadAverage();
    var report = new JsonObject
    {
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        ["cores"] = Environment.ProcessorCount,
        ["load_average_at_end"] = machine,
        ["calls_per_row"] = calls,
        ["greeting"] = Greeting,
        ["after_greeting_syntheses"] = syntheses,
        ["rows"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
        {
            ["row"] = r.Key,
            ["open_to_ready_ms"] = Json([.. r.Value.Select(t => t.OpenToReadyMs)]),
            ["ready_to_first_audio_ms"] = Json([.. r.Value.Select(t => t.ReadyToAudioMs)]),
        })]),
    };
    Directory.CreateDirectory(settings.ResultsDir);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "first-word.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "first-word.md"), $"""
        # First word bench results

        Run {report["date"]} on {Environment.ProcessorCount} cores; load average at the end {machine}.
        Two voice-hosts in one process with the local providers (rules, flite slt) and a CongoDB stand-in; {calls} calls
        per row, dialled one at a time, the rows alternating; each caller stays on the line for a second after the
        greeting's first audio and then ends the call (so a few calls overlap). The agent greets with "{Greeting}".
        A member's token authenticates each call (its version check is cached as before, in every row).

        - **before**: `Voice:AgentCacheTtl=0` (the agent read for every call) and `Voice:PrepareGreeting=false` (the
          greeting synthesized by the TTS stage after `ready`), as voice-host was before issue 16.
        - **after, a new agent each call**: the defaults, with every cache cold: the agent read, the greeting's first
          audio made while the call is set up.
        - **after, the same agent**: the defaults, warm: the agent from its 3 s cache, the greeting from the greeting
          cache. Greeting syntheses in the after rows: {syntheses} for {2 * calls} calls.

        Open → ready: from the WebSocket handshake's end to the `ready` event at the caller (the auth message, its
        checks, the call's admission and setup). Ready → first audio: from `ready` to the first binary message of the
        greeting at the caller.

        | row | open → ready p50 / p95 ms | ready → first audio p50 / p95 ms |
        |---|---:|---:|
        {string.Join("\n", rows.Select(r => $"| {r.Key} | {Pair([.. r.Value.Select(t => t.OpenToReadyMs)])} | {Pair([.. r.Value.Select(t => t.ReadyToAudioMs)])} |"))}

        """.Replace("\n        ", "\n"), ct);
    Say($"wrote {Path.Combine(settings.ResultsDir, "first-word.json")} and .md");
}
finally
{
    foreach (var host in new[] { before.App, after.App })
    {
        await host.StopAsync(CancellationToken.None);
        await host.DisposeAsync();
    }
}

async Task<(WebApplication App, Uri Ws)> StartAsync(string name, Dictionary<string, string?> voice)
{
    var app = VoiceHostApp.Create([], b =>
    {
        b.WebHost.UseUrls("http://127.0.0.1:0");
        b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mongo:ConnectionString"] = mongoUrl,
            ["Mongo:Database"] = database,
            ["Jwt:SigningKey"] = jwt.SigningKey,
            ["Jwt:Issuer"] = jwt.Issuer,
            ["Jwt:Audience"] = jwt.Audience,
            ["Voice:CallSink"] = "local",
            ["Voice:OperatorUrl"] = "",
            ["Voice:CallsFolder"] = Path.Combine(Path.GetTempPath(), $"bench-first-word-{runId}-{name}"),
            // No bucket is needed (the local call sink): S3's start-up retries would only fill the console.
            ["Serilog:MinimumLevel:Default"] = "Error",
        });
        b.Configuration.AddInMemoryCollection(voice);
    });
    await app.StartAsync(ct);
    var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    return (app, new Uri($"ws://{address.Authority}/ws"));
}

// A tenant of its own with one member, whose token calls the agent.
async Task<(Agent, string)> AgentAsync()
{
    var now = DateTime.UtcNow;
    var user = new User
    {
        Id = ObjectId.GenerateNewId().ToString(), TenantId = ObjectId.GenerateNewId().ToString(), Email = $"bench-{Guid.NewGuid():N}@example.com",
        Name = "Bench", Role = Roles.Admin, PasswordHash = "unused", CreatedAt = now, UpdatedAt = now,
    };
    await db.Tenants.InsertOneAsync(new Tenant { Id = user.TenantId, Name = "Bench", AdminCount = 1, CreatedAt = now }, cancellationToken: ct);
    await db.Users.InsertOneAsync(user, cancellationToken: ct);
    var agent = new Agent
    {
        Id = ObjectId.GenerateNewId().ToString(),
        TenantId = user.TenantId,
        UserId = user.Id,
        Name = "Bench",
        SystemPrompt = "You take bakery orders.",
        FirstMessage = Greeting,
        Language = "en-US",
        Llm = new LlmConfig { Provider = "rules" },
        Stt = new SttConfig { Provider = "local", Language = "en-US" },
        Tts = new TtsConfig { Provider = "local", Voice = "slt" },
        CreatedAt = now,
        UpdatedAt = now,
    };
    await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
    return (agent, tokens.CreateAccessToken(new TokenIdentity(user.Id, user.TenantId, Roles.Admin, user.Email)));
}

// One call: the socket opened, auth, ready, the greeting's first audio. The caller stays on the line for a second
// more (by then flite has made the greeting's first piece, which a hang-up would stop before the cache keeps it), then
// ends the call, in the background: the next call is dialled meanwhile.
async Task<Timing> CallAsync(Uri ws, Agent agent, string token)
{
    var caller = await VoiceClient.ConnectAsync(ws);
    var opened = DateTime.UtcNow;
    await caller.AuthenticateAsync(token, agent.Id);
    await caller.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(30));
    DateTime ready;
    lock (caller.Events) ready = caller.Events.First(e => VoiceClient.Type(e.Event) == "ready").At;
    DateTime? audio = null;
    while (audio is null)
    {
        lock (caller.Audio) audio = caller.Audio.Count > 0 ? caller.Audio[0].At : null;
        if (audio is null) await Task.Delay(1, ct);
    }
    lock (hangUps) hangUps.Add(HangUpAsync(caller));
    return new Timing((ready - opened).TotalMilliseconds, (audio.Value - ready).TotalMilliseconds);
}

async Task HangUpAsync(VoiceClient caller)
{
    await using (caller)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        await caller.SendJsonAsync(new { type = "end" });
        await caller.WaitForAsync("end", TimeSpan.FromSeconds(30));
        await caller.Closed.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }
}

static string Pair(IReadOnlyList<double> values) => $"{Percentile(values, 0.5)} / {Percentile(values, 0.95)}";

static string Summary(IReadOnlyList<Timing> timings) =>
    $"open → ready {Pair([.. timings.Select(t => t.OpenToReadyMs)])} ms, ready → first audio {Pair([.. timings.Select(t => t.ReadyToAudioMs)])} ms (p50 / p95)";

static JsonObject Json(IReadOnlyList<double> values) => new()
{
    ["count"] = values.Count,
    ["p50"] = Percentile(values, 0.5),
    ["p95"] = Percentile(values, 0.95),
    ["max"] = Percentile(values, 1),
};

internal sealed record Timing(double OpenToReadyMs, double ReadyToAudioMs);
