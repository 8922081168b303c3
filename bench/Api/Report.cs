using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Bench.Api;

public static class Report
{
    public static JsonObject Build(
        BenchSettings s, bool ownMongo, string mongoUrl, SeedResult seed, double? rssAfterSeedMb, IReadOnlyList<ScenarioResult> scenarios) => new()
        {
            ["bench"] = "api",
            ["run_at"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["dotnet"] = RuntimeInformation.FrameworkDescription,
                ["load_average_at_start"] = LoadRunner.LoadAverage(),
                ["note"] = "shared machine; the API, the bench clients and the MongoDB stand-in share its cores",
            },
            ["mongo"] = new JsonObject
            {
                ["server"] = ownMongo ? $"CongoDB stand-in, own process, in memory ({Path.GetFileName(s.CongoDbScript)})" : mongoUrl,
                ["resident_mb_after_seed"] = rssAfterSeedMb is { } rss ? Math.Round(rss) : null,
            },
            ["seed"] = new JsonObject
            {
                ["call_logs_main_tenant"] = seed.Documents,
                ["other_tenants"] = s.OtherTenants,
                ["call_logs_per_other_tenant"] = s.OtherTenantCallLogs,
                ["campaigns"] = s.Campaigns,
                ["batch_size"] = s.BatchSize,
                ["seconds"] = seed.Seconds,
                ["call_logs_per_second"] = seed.DocumentsPerSecond,
            },
            ["load"] = new JsonObject { ["concurrency"] = s.Concurrency, ["duration_seconds"] = s.Duration.TotalSeconds },
            ["scenarios"] = JsonSerializer.SerializeToNode(scenarios, JsonDefaults.Options),
        };

    public static string Markdown(JsonObject r)
    {
        var seed = r["seed"]!;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# API bench ({r["run_at"]})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{seed["call_logs_main_tenant"]!.GetValue<long>():N0} call logs for one tenant (plus {seed["other_tenants"]} tenants × " +
            $"{seed["call_logs_per_other_tenant"]!.GetValue<int>():N0}) in {r["mongo"]!["server"]}; seeded through CallRecords.InsertManyAsync " +
            $"in batches of {seed["batch_size"]} in {seed["seconds"]} s ({seed["call_logs_per_second"]} call logs/s); stand-in RSS after seeding: " +
            $"{r["mongo"]!["resident_mb_after_seed"]?.ToString() ?? "n/a"} MiB.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{r["load"]!["concurrency"]} concurrent clients for {r["load"]!["duration_seconds"]} s per scenario, API served in-process by the local runner; " +
            $"{r["machine"]!["cores"]} cores, {r["machine"]!["dotnet"]} ({r["machine"]!["note"]}; load average at start " +
            $"{r["machine"]!["load_average_at_start"]?.ToString() ?? "n/a"}).");
        text.AppendLine();
        text.AppendLine("| scenario | request | ok | 429 | errors | ok req/s | p50 ms | p90 ms | p99 ms | max ms | load avg before |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in r["scenarios"]!.AsArray())
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s!["name"]} | `{s["request"]}` | {s["ok"]} | {s["too_many_requests"]} | {s["errors"]} | {s["ok_per_second"]} | " +
                $"{s["p50_ms"]?.ToString() ?? "–"} | {s["p90_ms"]?.ToString() ?? "–"} | {s["p99_ms"]?.ToString() ?? "–"} | {s["max_ms"]?.ToString() ?? "–"} | {s["load_average_before"]} |");
        }
        return text.ToString();
    }
}
