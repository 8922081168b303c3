using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MongoDB.Bson;
using VoiceAgents.Bench.Api;
using VoiceAgents.Core.Domain;
using static VoiceAgents.Bench.Api.BenchHost;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// What a knowledge base adds between a question's end and the first reply audio, on real audio through the whole
/// pipeline: the harbourview clinic's questions (tests/VoiceAgents.Tests/Knowledge) said on <c>/ws</c> to two
/// offline agents in one run, calls alternating: one whose rule answers from the clinic's knowledge base
/// (<c>reply_from_knowledge</c>: the version read, the BM25 search, the answer sentence), one whose rule gives a fixed
/// reply. Speech-to-text is the same for both; what differs is the knowledge base and the first sentence's length at
/// the TTS. Results: bench/results/knowledge-voice.json and .md.
/// </summary>
public static class KnowledgeVoice
{
    private const int Rate = 16000;

    public static async Task RunAsync(BenchSettings settings, int rounds, CancellationToken ct)
    {
        var folder = Path.Combine(settings.RepoRoot, "tests", "VoiceAgents.Tests", "Knowledge");
        var sections = Regex.Matches(await File.ReadAllTextAsync(Path.Combine(folder, "harbourview-clinic.md"), ct), @"^## (?<heading>.+)\n(?<body>(?:(?!^## ).*\n?)+)", RegexOptions.Multiline)
            .Select(m => (Heading: m.Groups["heading"].Value.Trim(), Text: m.Groups["body"].Value.Trim())).ToList();
        using var questionsJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "harbourview-questions.json"), ct));
        var questions = questionsJson.RootElement.EnumerateArray().Select(q => q.GetProperty("question").GetString()!).Take(12).ToArray();
        var spoken = await Sentences.SpeakAllAsync(questions, ct);

        await using var knowing = await OfflineHost.StartAsync(settings, ct, async (db, agent) =>
        {
            var kb = new KnowledgeBase { Id = ObjectId.GenerateNewId().ToString(), TenantId = agent.TenantId, Name = "Clinic", Version = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            await db.KnowledgeBases.InsertOneAsync(kb, cancellationToken: ct);
            await db.KnowledgeChunks.InsertManyAsync(sections.Select((s, i) => new KnowledgeChunk
            {
                Id = ObjectId.GenerateNewId().ToString(), TenantId = agent.TenantId, KnowledgeBaseId = kb.Id, DocumentId = kb.Id,
                Source = "harbourview-clinic.md", Position = i, Heading = s.Heading, Text = s.Text,
            }), cancellationToken: ct);
            agent.KnowledgeBases = [new AgentKnowledgeBase { Id = kb.Id }];
            agent.Rules = [new AgentRule { MatchRegex = ".", ReplyFromKnowledge = true }];
        });
        await using var fixedReply = await OfflineHost.StartAsync(settings, ct, (_, agent) =>
        {
            agent.Rules = [new AgentRule { MatchRegex = ".", Reply = OfflineHost.Reply }];
            return Task.CompletedTask;
        });
        var hosts = new[] { ("knowledge", knowing), ("fixed", fixedReply) };
        Say($"{questions.Length} questions × {rounds} rounds, each to both agents, calls alternating");
        foreach (var (_, host) in hosts) await VoiceToVoice.CallAsync(host, [spoken[0]], ct); // warm-up

        var turns = hosts.ToDictionary(h => h.Item1, _ => new List<JsonObject>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var chunk in Enumerable.Range(0, questions.Length).Chunk(4))
            {
                foreach (var (name, host) in round % 2 == 0 ? hosts : hosts.Reverse())
                    turns[name].AddRange(await VoiceToVoice.CallAsync(host, [.. chunk.Select(i => spoken[i])], ct));
            }
            Say($"round {round + 1}: knowledge p50 {Stats.P(VoiceToVoice.Values(turns["knowledge"], "client_ms"), 0.5)} ms, fixed {Stats.P(VoiceToVoice.Values(turns["fixed"], "client_ms"), 0.5)} ms");
        }

        var result = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["load_average_at_end"] = Stats.LoadAverage(),
            ["questions"] = questions.Length,
            ["rounds"] = rounds,
        };
        foreach (var (name, list) in turns)
        {
            result[name] = new JsonObject
            {
                ["turns"] = list.Count,
                ["unanswered"] = list.Count(t => t["unanswered"] is not null),
                ["client_ms"] = VoiceToVoice.Summary(VoiceToVoice.Values(list, "client_ms")),
                ["server_voice_to_voice_ms"] = VoiceToVoice.Summary(VoiceToVoice.Values(list, "server_voice_to_voice_ms")),
                ["stt_ms"] = VoiceToVoice.Summary(VoiceToVoice.Values(list, "stt_ms")),
                ["tts_ttfb_ms"] = VoiceToVoice.Summary(VoiceToVoice.Values(list, "tts_ttfb_ms")),
            };
        }
        Directory.CreateDirectory(settings.ResultsDir);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "knowledge-voice.json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        var md = new StringBuilder();
        md.AppendLine("# First reply audio with and without the knowledge base").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench/Offline -- knowledge`, {result["date"]}, {Environment.ProcessorCount} cores, load average at the end {result["load_average_at_end"]}.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{questions.Length} questions of `harbourview-questions.json` (flite kal16, 16 kHz, real time on `/ws`) × {rounds} rounds to two offline agents on voice-hosts of their own, calls alternating: one whose rule answers from a knowledge base of the {sections.Count} sections of `harbourview-clinic.md` (`reply_from_knowledge`), one whose rule says \"{OfflineHost.Reply}\". Caller side: the last speech frame sent to the first reply audio received.").AppendLine();
        md.AppendLine("| ms | with the knowledge base p50 | p95 | fixed reply p50 | p95 |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (metric, label) in new[] { ("client_ms", "caller: end of speech → first reply audio"), ("server_voice_to_voice_ms", "server: voice_to_voice_ms"), ("stt_ms", "server: stt_ms"), ("tts_ttfb_ms", "server: tts_ttfb_ms") })
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {result["knowledge"]![metric]!["p50"]} | {result["knowledge"]![metric]!["p95"]} | {result["fixed"]![metric]!["p50"]} | {result["fixed"]![metric]!["p95"]} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| turns (unanswered) | {result["knowledge"]!["turns"]} ({result["knowledge"]!["unanswered"]}) | | {result["fixed"]!["turns"]} ({result["fixed"]!["unanswered"]}) | |");
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "knowledge-voice.md"), md.ToString(), ct);
        Say($"wrote {settings.ResultsDir}/knowledge-voice.json and .md");
    }
}
