using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using VoiceAgents.Bench.Api;
using VoiceAgents.Core;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Knowledge;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Providers.Local;
using static VoiceAgents.Bench.Api.BenchHost;

// Retrieval over knowledge bases. (1) recall@3 of the clinic question set (tests/VoiceAgents.Tests/Knowledge). (2)
// KnowledgeIndex.Search's latency (k = 5, BM25) at 1,000 and 10,000 chunks made of the clinic document's sentences.
// (3) What a knowledge base adds to a turn before its first reply audio: the rules responder's time to its first
// word with a rule that answers from the knowledge base (through KnowledgeIndexCache: its version read from MongoDB,
// then the search) against the same rule with a fixed reply, in one run. Speech-to-text and text-to-speech do not
// change with the knowledge base, so this difference is the difference in the time from the question's end to the
// first reply audio. Results: bench/results/knowledge.json and knowledge.md.

var ct = CancelOnCtrlC();
var settings = BenchSettings.Load(args);
var searches = Arg("searches", 2_000);
var turns = Arg("turns", 300);
var started = DateTime.UtcNow;
var loadBefore = LoadAverage();
var folder = Path.Combine(RepoRoot(), "tests", "VoiceAgents.Tests", "Knowledge");
var sections = Regex.Matches(File.ReadAllText(Path.Combine(folder, "harbourview-clinic.md")), @"^## (?<heading>.+)\n(?<body>(?:(?!^## ).*\n?)+)", RegexOptions.Multiline)
    .Select(m => (Heading: m.Groups["heading"].Value.Trim(), Text: m.Groups["body"].Value.Trim())).ToList();
using var questionsJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "harbourview-questions.json")));
var questions = questionsJson.RootElement.EnumerateArray().Select(q => (Text: q.GetProperty("question").GetString()!, Expected: q.GetProperty("expected").GetString()!)).ToList();

// (1) recall@3.
var clinic = KnowledgeIndex.Build(sections.Select((s, i) => Chunk("kb", s.Text, s.Heading, i)).ToList());
var found = questions.Count(q => clinic.Search(q.Text, 3).Any(h => h.Chunk.Heading == q.Expected));
var recall = (double)found / questions.Count;
Say($"recall@3 {recall:0.000} ({found} of {questions.Count} questions)");

// (2) Search latency over synthetic knowledge bases of the document's sentences, ~60 words a chunk.
var sentences = sections.SelectMany(s => Regex.Split(s.Text, @"(?<=[.!?])\s+")).ToArray();
var latency = new JsonObject();
var rows = new List<string>();
foreach (var size in new[] { 1_000, 10_000 })
{
    var random = new Random(size);
    var chunks = Enumerable.Range(0, size).Select(i =>
    {
        var text = new StringBuilder();
        while (text.Length < 360) text.Append(sentences[random.Next(sentences.Length)]).Append(' ');
        return Chunk("kb", text.ToString().Trim(), sections[random.Next(sections.Count)].Heading, i);
    }).ToList();
    var build = Stopwatch.StartNew();
    var index = KnowledgeIndex.Build(chunks);
    build.Stop();
    for (var i = 0; i < 200; i++) index.Search(questions[i % questions.Count].Text, 5);
    var times = new double[searches];
    for (var i = 0; i < searches; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        var hits = index.Search(questions[i % questions.Count].Text, 5);
        times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (hits.Count == 0) throw new InvalidOperationException("a search found nothing");
    }
    latency[size.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["build_ms"] = Math.Round(build.Elapsed.TotalMilliseconds, 1), ["p50_ms"] = Math.Round(P(times, 0.5), 3), ["p99_ms"] = Math.Round(P(times, 0.99), 3), ["max_ms"] = Math.Round(times.Max(), 3) };
    rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {P(times, 0.5):0.000} | {P(times, 0.99):0.000} | {times.Max():0.000} | {build.Elapsed.TotalMilliseconds:0} |"));
    Say($"{size} chunks: search p50 {P(times, 0.5):0.000} ms, p99 {P(times, 0.99):0.000} ms (index built in {build.Elapsed.TotalMilliseconds:0} ms)");
}

// (3) A turn's time to the first word, with and without the knowledge base, alternating turns in one run.
var (own, mongoUrl) = await StartMongoAsync(settings, ct, maxHeapMb: 1024);
await using var ownMongo = own;
var runId = Guid.NewGuid().ToString("N")[..8];
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Mongo:ConnectionString"] = mongoUrl,
    ["Mongo:Database"] = $"bench_knowledge_{runId}",
    ["S3:ServiceUrl"] = settings.S3Url,
    ["S3:Bucket"] = $"bench-{runId}",
    ["Jwt:SigningKey"] = "bench-signing-key-0123456789-abcdefghijklmnop",
}).Build();
var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddVoiceAgentsCore().AddKnowledgeIndex();
await using var services = collection.BuildServiceProvider();
var db = services.GetRequiredService<MongoContext>();
var cache = services.GetRequiredService<KnowledgeIndexCache>();
var tenantId = Ids.New();
var kbId = Ids.New();
await db.KnowledgeBases.InsertOneAsync(new KnowledgeBase { Id = kbId, TenantId = tenantId, Name = "Clinic", Version = 1 }, cancellationToken: ct);
await db.KnowledgeChunks.InsertManyAsync(sections.Select((s, i) => Chunk(kbId, s.Text, s.Heading, i, tenantId)), cancellationToken: ct);
var rules = new RulesLlm();
var withKnowledge = Agent(new AgentRule { Match = "*", ReplyFromKnowledge = true });
var withoutKnowledge = Agent(new AgentRule { Match = "*", Reply = "The clinic has a free car park with 40 spaces." });
var firstWordWith = new List<double>();
var firstWordWithout = new List<double>();
for (var i = -20; i < turns; i++)
{
    var question = questions[(i + questions.Count) % questions.Count].Text;
    var a = await FirstWordAsync(withKnowledge, question);
    var b = await FirstWordAsync(withoutKnowledge, question);
    if (i < 0) continue; // warm-up, the index's first build included
    firstWordWith.Add(a);
    firstWordWithout.Add(b);
}
await db.Client.DropDatabaseAsync(db.Database.DatabaseNamespace.DatabaseName, ct);
Say($"first word: with the knowledge base p50 {P(firstWordWith, 0.5):0.000} ms p99 {P(firstWordWith, 0.99):0.000} ms; without p50 {P(firstWordWithout, 0.5):0.000} ms p99 {P(firstWordWithout, 0.99):0.000} ms");

var report = new JsonObject
{
    ["date"] = started.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
    ["cores"] = Environment.ProcessorCount,
    ["load_average_before"] = loadBefore,
    ["load_average_after"] = LoadAverage(),
    ["recall_at_3"] = Math.Round(recall, 3),
    ["questions"] = questions.Count,
    ["search_k5"] = latency,
    ["first_word_with_knowledge_ms"] = new JsonObject { ["p50"] = Math.Round(P(firstWordWith, 0.5), 3), ["p99"] = Math.Round(P(firstWordWith, 0.99), 3) },
    ["first_word_without_knowledge_ms"] = new JsonObject { ["p50"] = Math.Round(P(firstWordWithout, 0.5), 3), ["p99"] = Math.Round(P(firstWordWithout, 0.99), 3) },
    ["mongo"] = own is null ? mongoUrl : "congodb (in memory)",
};
var md = new StringBuilder();
md.AppendLine("# Knowledge base retrieval bench results").AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Run {started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {(DateTime.UtcNow - started).TotalSeconds:0.0} s. Load average before `{loadBefore}`, after `{LoadAverage()}`.").AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"**recall@3: {recall:0.000}** ({found} of {questions.Count} questions of `tests/VoiceAgents.Tests/Knowledge/harbourview-questions.json` find their section among the top 3 of the {sections.Count} sections of `harbourview-clinic.md`, BM25 alone).").AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Search latency, `KnowledgeIndex.Search(question, k: 5)`, {searches} searches one at a time after 200 warm-up ones, over chunks of ~60 words drawn from the document's sentences (target: p99 under 5 ms at 10,000):").AppendLine();
md.AppendLine("| chunks | p50 ms | p99 ms | max ms | index build ms |").AppendLine("|---:|---:|---:|---:|---:|");
foreach (var row in rows) md.AppendLine(row);
md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"A turn's time to its first word (rules responder), {turns} turns each after 20 warm-up ones, alternating in one run; speech-to-text and text-to-speech are the same either way, so the difference is what the knowledge base adds between the question's end and the first reply audio:").AppendLine();
md.AppendLine("| turn | p50 ms | p99 ms |").AppendLine("|---|---:|---:|");
md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| rule with `reply_from_knowledge` (version read from MongoDB + search + answer sentence) | {P(firstWordWith, 0.5):0.000} | {P(firstWordWith, 0.99):0.000} |"));
md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| the same rule with a fixed `reply` | {P(firstWordWithout, 0.5):0.000} | {P(firstWordWithout, 0.99):0.000} |"));
md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"MongoDB: {(own is null ? mongoUrl : "a CongoDB stand-in of the bench's own (in memory, single-threaded JavaScript)")}; the version read dominates the difference. The machine was shared (see the load average).");
Directory.CreateDirectory(settings.ResultsDir);
await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "knowledge.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "knowledge.md"), md.ToString(), ct);
Console.WriteLine(md);
Say($"wrote {Path.Combine(settings.ResultsDir, "knowledge.md")}");

async Task<double> FirstWordAsync(Agent agent, string question)
{
    var request = new LlmRequest(agent, [new ChatMessage(ChatMessage.User, question)])
    {
        SearchKnowledge = (q, k, c) => cache.SearchAsync(tenantId, [kbId], q, k, c),
    };
    var t0 = Stopwatch.GetTimestamp();
    await foreach (var delta in rules.StreamAsync(request, ct))
    {
        if (delta.Text.Length > 0) return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
    throw new InvalidOperationException("the responder said nothing");
}

Agent Agent(AgentRule rule) => new() { Id = Ids.New(), TenantId = tenantId, UserId = Ids.New(), Name = "bench", Rules = [rule], KnowledgeBases = [new AgentKnowledgeBase { Id = kbId }] };

static KnowledgeChunk Chunk(string kb, string text, string heading, int position, string tenant = "t") => new()
{
    Id = ObjectId.GenerateNewId().ToString(), TenantId = tenant, KnowledgeBaseId = kb, DocumentId = kb, Source = "harbourview-clinic.md",
    Position = position, Heading = heading, Text = text,
};

static double P(IReadOnlyCollection<double> values, double q)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}

static string RepoRoot([CallerFilePath] string source = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));

int Arg(string name, int fallback) =>
    args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } a ? int.Parse(a[(name.Length + 3)..], CultureInfo.InvariantCulture) : fallback;
