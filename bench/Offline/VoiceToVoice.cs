using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Bench.Api;
using static VoiceAgents.Bench.Api.BenchHost;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// Voice-to-voice on the offline path: each sentence of <see cref="Sentences"/> said by a caller on <c>/ws</c> (16 kHz,
/// in real time, silence before and after as an open microphone sends it), timed at the caller from the end of its
/// speech (the last speech frame sent) to the first reply audio's arrival; the server's own <c>voice_to_voice_ms</c>,
/// <c>stt_ms</c> and <c>tts_ttfb_ms</c> beside it. Results go into bench/results/voice-to-voice.json under a label
/// (<c>--label=before</c>), so runs of other code sit side by side in voice-to-voice.md.
/// </summary>
public static class VoiceToVoice
{
    private const int Rate = 16000;

    /// <param name="turn">The agent's turn mode (<c>fixed</c>, the platform's default 800 ms, or <c>adaptive</c>); null leaves it unset.</param>
    public static async Task RunAsync(BenchSettings settings, string label, int rounds, int turnsPerCall, string? turn, CancellationToken ct)
    {
        var spoken = await Sentences.SpeakAllAsync(ct);
        await using var host = await OfflineHost.StartAsync(settings, ct, (_, agent) =>
        {
            if (turn is not null) agent.Turn = new Core.Domain.TurnSettings { Mode = turn };
            return Task.CompletedTask;
        });
        Say($"voice-host on {host.Ws}; {spoken.Length} sentences × {rounds} rounds, {turnsPerCall} turns per call; turn mode {turn ?? "unset"}; label '{label}'");
        await CallAsync(host, [spoken[0]], ct); // warm-up: JIT, decoders, the VAD's session
        var turns = new List<JsonObject>();
        var order = Enumerable.Range(0, rounds).SelectMany(_ => Enumerable.Range(0, spoken.Length)).ToArray();
        foreach (var chunk in order.Chunk(turnsPerCall))
        {
            turns.AddRange(await CallAsync(host, [.. chunk.Select(i => spoken[i])], ct));
            Say($"{turns.Count} of {order.Length} turns; caller-side p50 so far {Stats.P(Values(turns, "client_ms"), 0.5)} ms");
        }

        var result = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["commit"] = Git(settings.RepoRoot),
            ["cores"] = Environment.ProcessorCount,
            ["turn_mode"] = turn ?? "fixed (unset)",
            ["load_average_at_end"] = Stats.LoadAverage(),
            ["turns"] = turns.Count,
            ["unanswered"] = turns.Count(t => t["unanswered"] is not null),
            ["client_ms"] = Summary(Values(turns, "client_ms")),
            ["server_voice_to_voice_ms"] = Summary(Values(turns, "server_voice_to_voice_ms")),
            ["stt_ms"] = Summary(Values(turns, "stt_ms")),
            ["tts_ttfb_ms"] = Summary(Values(turns, "tts_ttfb_ms")),
            ["each"] = new JsonArray([.. turns]),
        };
        var path = Path.Combine(settings.ResultsDir, "voice-to-voice.json");
        var all = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path, ct))!.AsObject() : [];
        all[label] = result;
        Directory.CreateDirectory(settings.ResultsDir);
        await File.WriteAllTextAsync(path, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "voice-to-voice.md"), Markdown(all), ct);
        Say($"{label}: caller-side p50 {result["client_ms"]!["p50"]} ms, p95 {result["client_ms"]!["p95"]} ms; server p50 {result["server_voice_to_voice_ms"]!["p50"]} ms; wrote {path} and .md");
    }

    // One call: the greeting heard out, then each sentence after 300 ms of silence, its reply heard out before the next.
    public static async Task<List<JsonObject>> CallAsync(OfflineHost host, short[][] sentences, CancellationToken ct)
    {
        var turns = new List<JsonObject>();
        await using var caller = await host.CallAsync(Rate);
        await CallerTimeline.HearGreetingAsync(caller, Rate, ct);
        foreach (var sentence in sentences)
        {
            var speechEnd = await CallerTimeline.SayAsync(caller, sentence, Rate, ct);
            if (!await CallerTimeline.ListenAsync(caller, Rate, speechEnd, ct))
            {
                turns.Add(new JsonObject { ["unanswered"] = true });
                continue;
            }
            var firstAudio = await CallerTimeline.AudioAfterAsync(caller, speechEnd, TimeSpan.Zero, ct);
            var (_, metrics) = await CallerTimeline.EventAfterAsync(caller, "metrics", speechEnd, TimeSpan.Zero, ct);
            turns.Add(new JsonObject
            {
                ["client_ms"] = Math.Round((firstAudio - speechEnd).TotalMilliseconds, 1),
                ["server_voice_to_voice_ms"] = metrics["voice_to_voice_ms"]?.DeepClone(),
                ["stt_ms"] = metrics["stt_ms"]?.DeepClone(),
                ["tts_ttfb_ms"] = metrics["tts_ttfb_ms"]?.DeepClone(),
            });
        }
        return turns;
    }

    public static double[] Values(List<JsonObject> turns, string name) =>
        [.. turns.Select(t => t[name]).OfType<JsonNode>().Select(v => v.GetValue<double>())];

    public static JsonObject Summary(double[] values) => new()
    {
        ["p50"] = Stats.P(values, 0.5),
        ["p95"] = Stats.P(values, 0.95),
        ["max"] = Stats.P(values, 1),
    };

    private static string Git(string root)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, WorkingDirectory = root };
        foreach (var a in new[] { "describe", "--always", "--dirty" }) psi.ArgumentList.Add(a);
        using var git = System.Diagnostics.Process.Start(psi)!;
        var commit = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return commit;
    }

    private static string Markdown(JsonObject all)
    {
        string Cell(string label, string metric, string q) => all[label]![metric]?[q]?.ToString() ?? "";
        var labels = all.Select(p => p.Key).ToArray();
        var rows = new List<string>();
        foreach (var (metric, name) in new[]
        {
            ("client_ms", "caller: end of speech → first reply audio"),
            ("server_voice_to_voice_ms", "server: voice_to_voice_ms"),
            ("stt_ms", "server: stt_ms"),
            ("tts_ttfb_ms", "server: tts_ttfb_ms"),
        })
        {
            foreach (var q in new[] { "p50", "p95" })
                rows.Add($"| {name} {q} | {string.Join(" | ", labels.Select(l => Cell(l, metric, q)))} |");
        }
        return $"""
            # Voice-to-voice on the offline path

            `dotnet run -c Release --project bench/Offline -- voice-to-voice --label=<label>`: voice-host in-process with the
            local providers (Silero VAD, PocketSphinx, the rules LLM, flite slt) and a CongoDB stand-in; {Sentences.Texts.Length}
            flite kal16 sentences said on `/ws` at 16 kHz in real time, each answered with "{OfflineHost.Reply}". Caller
            side: from the last speech frame sent to the first reply audio received. Goal after issue 16: p50 ≤ 700 ms.

            | ms | {string.Join(" | ", labels)} |
            |---|{string.Concat(labels.Select(_ => "---:|"))}
            {string.Join("\n", rows)}
            | turns (unanswered within {CallerTimeline.ReplyWithin.TotalSeconds:0} s) | {string.Join(" | ", labels.Select(l => $"{all[l]!["turns"]} ({all[l]!["unanswered"] ?? 0})"))} |
            | turn mode | {string.Join(" | ", labels.Select(l => $"{all[l]!["turn_mode"] ?? "fixed (unset)"}"))} |
            | run | {string.Join(" | ", labels.Select(l => $"{all[l]!["date"]}, load {all[l]!["load_average_at_end"]}, {all[l]!["commit"]}"))} |

            """;
    }
}
