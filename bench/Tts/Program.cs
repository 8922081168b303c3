using System.Diagnostics.Metrics;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
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
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Providers.Local;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost;
using static VoiceAgents.Bench.Api.BenchHost;

// Local TTS fairness and cancellation, against a real voice-host in this process (flite, PocketSphinx, the rules
// LLM; a CongoDB stand-in of its own). 1. A normal caller's greeting and reply, alone and then beside two calls
// whose agent greets with 2,000 digits (eight minutes of speech). 2. How soon a hostile greeting's synthesis stops
// after a hang-up, and after a barge-in. Results: bench/results/tts.json and tts.md.
var settings = BenchSettings.Load(args);
int Arg(string name, int fallback) => args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } v
    ? int.Parse(v[(name.Length + 3)..], CultureInfo.InvariantCulture) : fallback;
var runs = Arg("runs", 10);
var stops = Arg("stops", 40);
var workers = Arg("tts-workers", 0);
var ct = CancelOnCtrlC();
var (ownMongo, mongoUrl) = await StartMongoAsync(settings, ct, maxHeapMb: 1024);
await using var _ = ownMongo;

const string Greeting = "Hello, thanks for calling.";
const string Reply = "Certainly. For what time would you like the table?";
var digits = string.Concat(Enumerable.Range(0, 2000).Select(i => (char)('0' + RandomNumberGenerator.GetInt32(10))));
var runId = Guid.NewGuid().ToString("N")[..8];
var db = new MongoContext(Options.Create(new MongoOptions { ConnectionString = mongoUrl, Database = $"bench_tts_{runId}" }));
var normalAgent = await AgentAsync(Greeting);
var hostileAgent = await AgentAsync(digits);
// The costliest text per character for flite that is not digits: nonsense words, read by letter-to-sound rules.
var letters = string.Join(' ', Enumerable.Range(0, 400).Select(_ => new string(Enumerable.Range(0, 4 + RandomNumberGenerator.GetInt32(4)).Select(_ => (char)('a' + RandomNumberGenerator.GetInt32(26))).ToArray())))[..2000];
var lettersAgent = await AgentAsync(letters);
var jwt = new JwtOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), AccessTokenLifetime = TimeSpan.FromHours(6) };
var tokens = new TokenService(Options.Create(jwt), TimeProvider.System);

var app = VoiceHostApp.Create([], b =>
{
    b.WebHost.UseUrls("http://127.0.0.1:0");
    b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Mongo:ConnectionString"] = mongoUrl,
        ["Mongo:Database"] = $"bench_tts_{runId}",
        ["Jwt:SigningKey"] = jwt.SigningKey,
        ["Jwt:Issuer"] = jwt.Issuer,
        ["Jwt:Audience"] = jwt.Audience,
        ["Voice:CallSink"] = "local",
        ["Providers:LocalTts:Workers"] = workers.ToString(CultureInfo.InvariantCulture),
        ["Voice:CallsFolder"] = Path.Combine(Path.GetTempPath(), $"bench-tts-{runId}"),
        ["Serilog:MinimumLevel:Default"] = "Warning",
    });
});
await app.StartAsync(ct);
var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
var ws = new Uri($"ws://{address.Authority}/ws");
var metrics = app.Services.GetRequiredService<VoiceMetrics>();
var tts = (LocalTts)app.Services.GetRequiredKeyedService<ITtsProvider>("local");
var stopDelays = new List<double>();
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Name == "voice.tts.local.stop_delay") l.EnableMeasurementEvents(instrument);
};
listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
{
    lock (stopDelays) stopDelays.Add(ms);
});
listener.Start();
var (question, rate) = Wav.Read(await SpeakAsync("I would like to book a table for two."));
Say($"voice-host on {ws} with {tts.Workers} TTS workers; agents in {mongoUrl}; caller speech {question.Length / (double)rate:F2} s");

try
{
    await NormalCallAsync();
    var alone = new List<Turn>();
    for (var i = 0; i < runs; i++) alone.Add(await NormalCallAsync());
    Say($"alone: {Summary(alone)}");

    var beside = await BesideAsync(hostileAgent);
    Say($"beside two 2,000-digit greetings: {Summary(beside)}");
    var besideWords = await BesideAsync(lettersAgent);
    Say($"beside two nonsense-word greetings: {Summary(besideWords)}");

    var stopRows = new List<(string Greeting, string Trigger, List<double> Values, int Running)>();
    foreach (var (name, agent) in new[] { ("2,000 digits", hostileAgent), ("2,000 characters of nonsense words", lettersAgent) })
    {
        stopRows.Add(await HangUpsAsync(name, agent));
        stopRows.Add(await BargeInsAsync(name, agent));
    }
    double[] workerStops;
    lock (stopDelays) workerStops = [.. stopDelays];
    Say($"stop asked → worker free: {Percentiles(workerStops)}");

    var machine = LoadAverage();
    var report = new JsonObject
    {
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        ["cores"] = Environment.ProcessorCount,
        ["tts_workers"] = tts.Workers,
        ["load_average_at_end"] = machine,
        ["runs"] = runs,
        ["alone"] = TurnsJson(alone),
        ["beside_two_2000_digit_greetings"] = TurnsJson(beside),
        ["beside_two_nonsense_word_greetings"] = TurnsJson(besideWords),
        ["stops"] = new JsonArray([.. stopRows.Select(r => (JsonNode)new JsonObject { ["greeting"] = r.Greeting, ["trigger"] = r.Trigger, ["ms"] = Json(r.Values, r.Running) })]),
        ["stop_to_worker_free_ms"] = Json(workerStops, workerStops.Length),
    };
    Directory.CreateDirectory(settings.ResultsDir);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "tts.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
    await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "tts.md"), $"""
        # TTS fairness bench results

        Run {report["date"]} on {Environment.ProcessorCount} cores, {tts.Workers} TTS workers; load average at the end {machine}.
        voice-host in-process with the local providers (PocketSphinx, rules, flite slt); a CongoDB stand-in.

        ## A normal caller, alone and beside two hostile calls

        {runs} calls per row, one after another, to a normal agent that greets with
        "{Greeting}" and answers "book a table" with
        "{Reply}".
        Beside them, two calls to a hostile agent stay on the line, their greetings being read out, for the whole row:
        2,000 digits (about 8 minutes of speech), or 2,000 characters of nonsense words (flite's costliest text per
        character short of digits). Greeting: from dialling (the socket opened, then `auth`) to the first greeting audio
        at the caller. Reply: the server's voice-to-voice (from the end of the caller's speech, so the 0.8 s turn-end
        silence included) and TTS time to first byte.

        | | greeting p50 / p99 ms | voice-to-voice p50 / p99 ms | TTS first byte p50 / p99 ms |
        |---|---|---|---|
        | alone | {Pair(alone, t => t.GreetingMs)} | {Pair(alone, t => t.VoiceToVoiceMs)} | {Pair(alone, t => t.TtsFirstByteMs)} |
        | beside two 2,000-digit greetings | {Pair(beside, t => t.GreetingMs)} | {Pair(beside, t => t.VoiceToVoiceMs)} | {Pair(beside, t => t.TtsFirstByteMs)} |
        | beside two greetings of 2,000 characters of nonsense words | {Pair(besideWords, t => t.GreetingMs)} | {Pair(besideWords, t => t.VoiceToVoiceMs)} | {Pair(besideWords, t => t.TtsFirstByteMs)} |

        ## From a hang-up or a barge-in to the greeting's synthesis stopping

        {stops} calls per row, each to an agent whose greeting is the text named. A hang-up closes the socket within
        200 ms of the greeting's first audio; for a barge-in the caller speaks from that first audio on, and the
        server interrupts the greeting once the VAD has heard 200 ms of speech. "Stopped" is the first moment, polled
        every millisecond, when nothing of the greeting is being synthesized: no sentence in synthesis (`voice.tts.in_flight`) and no
        local synthesis waiting or running (`voice.tts.local.in_flight`). A hang-up counts from the caller closing the
        socket; a barge-in from the `interruption` event reaching the caller, and since the TTS is cancelled before
        the output sends that event, a negative figure means the synthesis had stopped before the caller heard of the
        interruption. The last column says how often a local synthesis was waiting or running at that moment, and so
        had to be stopped (the rest of the time the greeting was waiting for playback to catch up, which a
        cancellation ends at once). "Worker free" is
        voice-host's `voice.tts.local.stop_delay` over the whole run: from the call stopping a running synthesis to
        its worker being free.

        | greeting | trigger | p50 ms | p99 ms | max ms | a synthesis to stop |
        |---|---|---:|---:|---:|---:|
        {string.Join("\n", stopRows.Select(r => $"| {r.Greeting} | {r.Trigger} → stopped | {Row(r.Values)} | {r.Running} of {stops} |"))}
        | all | stop asked → worker free | {Row(workerStops)} | {workerStops.Length} |

        """.Replace("\n        ", "\n"), ct);
    Say($"wrote {Path.Combine(settings.ResultsDir, "tts.json")} and .md");
}
finally
{
    await app.StopAsync(CancellationToken.None);
    await app.DisposeAsync();
}

async Task<Agent> AgentAsync(string firstMessage)
{
    var now = DateTime.UtcNow;
    var agent = new Agent
    {
        Id = ObjectId.GenerateNewId().ToString(),
        TenantId = ObjectId.GenerateNewId().ToString(),
        UserId = ObjectId.GenerateNewId().ToString(),
        Name = "Bench",
        SystemPrompt = "You take table bookings.",
        FirstMessage = firstMessage,
        Language = "en-US",
        Llm = new LlmConfig { Provider = "rules" },
        Stt = new SttConfig { Provider = "local", Language = "en-US" },
        Tts = new TtsConfig { Provider = "local", Voice = "slt" },
        Rules = [new AgentRule { Match = "book table", Reply = Reply }],
        CreatedAt = now,
        UpdatedAt = now,
    };
    await db.Agents.InsertOneAsync(agent, cancellationToken: ct);
    return agent;
}

// Two calls to the agent stay on the line, their greetings being read out, while normal calls are made one by one.
async Task<Turn[]> BesideAsync(Agent hostile)
{
    var turns = new List<Turn>();
    {
        await using var hostile1 = await CallAsync(hostile);
        await using var hostile2 = await CallAsync(hostile);
        await hostile1.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(30));
        await hostile2.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(30));
        for (var i = 0; i < runs; i++) turns.Add(await NormalCallAsync());
        if (metrics.TtsInFlight < 2) throw new InvalidOperationException("the hostile greetings ended before the normal calls did");
    }
    await QuietAsync();
    return [.. turns];
}

async Task<(string, string, List<double>, int)> HangUpsAsync(string greeting, Agent agent)
{
    var values = new List<double>();
    var before = StopCount();
    for (var i = 0; i < stops; i++)
    {
        var caller = await CallAsync(agent);
        await caller.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(30));
        await Task.Delay(RandomNumberGenerator.GetInt32(200), ct);
        var hungUpAt = DateTime.UtcNow;
        var closing = caller.DisposeAsync().AsTask();
        values.Add((await NothingSynthesizingAsync() - hungUpAt).TotalMilliseconds);
        await closing;
        await QuietAsync();
    }
    var running = StopCount() - before;
    Say($"{greeting}: hang-up → synthesis stopped: {Percentiles(values)} ({running} of {stops} had a synthesis to stop)");
    return (greeting, "hang-up", values, running);
}

async Task<(string, string, List<double>, int)> BargeInsAsync(string greeting, Agent agent)
{
    var values = new List<double>();
    var before = StopCount();
    for (var i = 0; i < stops; i++)
    {
        // The caller speaks from the greeting's first audio on; the server interrupts once the VAD has heard 200 ms.
        await using var caller = await CallAsync(agent);
        await caller.WaitForAsync("bot_started_speaking", TimeSpan.FromSeconds(30));
        var stopped = NothingSynthesizingAsync();
        var speaking = caller.StreamAsync(question, rate, ct);
        var interruption = await caller.WaitForAsync("interruption", TimeSpan.FromSeconds(30));
        DateTime interruptedAt;
        lock (caller.Events) interruptedAt = caller.Events.First(e => ReferenceEquals(e.Event, interruption)).At;
        values.Add((await stopped - interruptedAt).TotalMilliseconds);
        await speaking;
        await caller.DisposeAsync();
        await QuietAsync();
    }
    var running = StopCount() - before;
    Say($"{greeting}: barge-in → synthesis stopped: {Percentiles(values)} ({running} of {stops} had a synthesis to stop)");
    return (greeting, "barge-in", values, running);
}

int StopCount()
{
    lock (stopDelays) return stopDelays.Count;
}

async Task<VoiceClient> CallAsync(Agent agent)
{
    var caller = await VoiceClient.ConnectAsync(ws);
    await caller.AuthenticateAsync(tokens.CreateAccessToken(new TokenIdentity(agent.UserId, agent.TenantId, Roles.Admin, "bench@example.com")), agent.Id, rate);
    return caller;
}

async Task<Turn> NormalCallAsync()
{
    var dialledAt = DateTime.UtcNow;
    await using var caller = await CallAsync(normalAgent);
    await caller.WaitForAsync("bot_stopped_speaking", TimeSpan.FromSeconds(30));
    DateTime greetingAt;
    lock (caller.Audio) greetingAt = caller.Audio[0].At;
    await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate, ct);
    await caller.StreamAsync(question, rate, ct);
    var silence = caller.StreamSilenceAsync(TimeSpan.FromSeconds(5), rate, ct);
    var turn = await caller.WaitForAsync("metrics", TimeSpan.FromSeconds(30));
    await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30), e => e["text"]?.GetValue<string>() == "Certainly.");
    await silence;
    return new Turn((greetingAt - dialledAt).TotalMilliseconds, turn["voice_to_voice_ms"]!.GetValue<double>(), turn["tts_ttfb_ms"]!.GetValue<double>());
}

// The first moment nothing of the call's speech is being synthesized, polled every millisecond.
async Task<DateTime> NothingSynthesizingAsync()
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
    while (metrics.TtsInFlight > 0 || tts.InFlight > 0)
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException("the greeting's synthesis did not stop");
        await Task.Delay(1, ct);
    }
    return DateTime.UtcNow;
}

// Between measurements: every call over and nothing synthesizing.
async Task QuietAsync()
{
    while (metrics.Active > 0 || metrics.TtsInFlight > 0 || tts.InFlight > 0) await Task.Delay(20, ct);
}

static async Task<byte[]> SpeakAsync(string text)
{
    var path = Path.Combine(Path.GetTempPath(), $"bench-tts-{Guid.NewGuid():N}.wav");
    var psi = new ProcessStartInfo("flite");
    foreach (var a in new[] { "-voice", "kal16", "-t", text, "-o", path }) psi.ArgumentList.Add(a);
    using (var flite = Process.Start(psi)!) await flite.WaitForExitAsync();
    var bytes = await File.ReadAllBytesAsync(path);
    File.Delete(path);
    return bytes;
}

static double? P(IReadOnlyList<double> values, double q)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 1);
}

static string Percentiles(IReadOnlyList<double> values) => $"p50 {P(values, 0.5)} ms, p99 {P(values, 0.99)} ms, max {P(values, 1)} ms";

static string Row(IReadOnlyList<double> values) => $"{P(values, 0.5)} | {P(values, 0.99)} | {P(values, 1)}";

static string Pair(IReadOnlyList<Turn> turns, Func<Turn, double> pick) => $"{P([.. turns.Select(pick)], 0.5)} / {P([.. turns.Select(pick)], 0.99)}";

static string Summary(IReadOnlyList<Turn> turns) =>
    $"greeting {Pair(turns, t => t.GreetingMs)} ms, voice-to-voice {Pair(turns, t => t.VoiceToVoiceMs)} ms, TTS first byte {Pair(turns, t => t.TtsFirstByteMs)} ms (p50 / p99)";

static JsonObject Json(IReadOnlyList<double> values, int running) => new()
{
    ["count"] = values.Count,
    ["stopped_a_running_synthesis"] = running,
    ["p50"] = P(values, 0.5),
    ["p99"] = P(values, 0.99),
    ["max"] = P(values, 1),
};

static JsonObject TurnsJson(IReadOnlyList<Turn> turns) => new()
{
    ["greeting_ms"] = new JsonObject { ["p50"] = P([.. turns.Select(t => t.GreetingMs)], 0.5), ["p99"] = P([.. turns.Select(t => t.GreetingMs)], 0.99) },
    ["voice_to_voice_ms"] = new JsonObject { ["p50"] = P([.. turns.Select(t => t.VoiceToVoiceMs)], 0.5), ["p99"] = P([.. turns.Select(t => t.VoiceToVoiceMs)], 0.99) },
    ["tts_ttfb_ms"] = new JsonObject { ["p50"] = P([.. turns.Select(t => t.TtsFirstByteMs)], 0.5), ["p99"] = P([.. turns.Select(t => t.TtsFirstByteMs)], 0.99) },
};

internal sealed record Turn(double GreetingMs, double VoiceToVoiceMs, double TtsFirstByteMs);
