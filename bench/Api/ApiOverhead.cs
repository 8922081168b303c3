using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.PostCall;

namespace VoiceAgents.Bench.Api;

/// <summary>
/// What the API adds to a list query: <c>GET /api/call-logs?limit=50</c> (first page, and by campaign) against the
/// MongoDB driver's <c>Find</c> with the same filter (tenant, and campaign), projection (no turns), sort
/// (created_at, _id, newest first) and limit (51: the page and one more), on the API's own <see cref="MongoContext"/>
/// (one connection pool, one stand-in). One client, the two taking turns request by request, so both see the same
/// machine; at each size a tenant of its own holds that many call logs. Reported: each side's p50/p99, the p99
/// difference, and the difference within each API/driver pair.
/// </summary>
public static class ApiOverhead
{
    public static async Task RunAsync(
        HttpClient http, MongoContext db, CallRecords records, BenchSettings settings, int[] sizes, TimeSpan perScenario,
        Func<string, CancellationToken, Task<(string Email, string TenantId)>> signup, Func<string, CancellationToken, Task<string>> login, CancellationToken ct)
    {
        var rows = new JsonArray();
        foreach (var size in sizes)
        {
            var (email, tenantId) = await signup($"overhead{size}", ct);
            var seed = await new Seeder(records, settings).SeedAsync(tenantId, size, null, ct);
            var total = await db.CallLogs.EstimatedDocumentCountAsync(cancellationToken: ct);
            BenchHost.Say($"{size:N0} call logs for a tenant in {seed.Seconds:N1} s; {total:N0} in the collection");
            var token = await login(email, ct);
            var campaign = seed.CampaignIds[0];
            foreach (var (name, query, filter) in new[]
            {
                ("first page", "call-logs?limit=50", Builders<CallLog>.Filter.Eq(c => c.TenantId, tenantId)),
                ("by campaign", $"call-logs?limit=50&campaign_id={campaign}", Builders<CallLog>.Filter.Eq(c => c.TenantId, tenantId) & Builders<CallLog>.Filter.Eq(c => c.CampaignId, campaign)),
            })
            {
                async Task<double> ApiAsync()
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, query);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                    var body = await response.Content.ReadAsByteArrayAsync(ct);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode || JsonNode.Parse(body)!["items"]!.AsArray().Count != 50)
                        throw new InvalidOperationException($"{query}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)[..Math.Min(300, body.Length)]}");
                    return ms;
                }
                async Task<double> DriverAsync()
                {
                    var started = Stopwatch.GetTimestamp();
                    var items = await db.CallLogs.Find(filter).Project<CallLog>(Builders<CallLog>.Projection.Exclude(c => c.Turns))
                        .Sort(Builders<CallLog>.Sort.Descending(c => c.CreatedAt).Descending(c => c.Id)).Limit(51).ToListAsync(ct);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (items.Count != 51) throw new InvalidOperationException($"driver find for {name}: {items.Count} documents");
                    return ms;
                }
                // Unmeasured: code paths jitted, connections open.
                await ApiAsync();
                await DriverAsync();
                var load = LoadRunner.LoadAverage();
                var api = new List<double>();
                var driver = new List<double>();
                var clock = Stopwatch.StartNew();
                for (var i = 0; clock.Elapsed < perScenario; i++)
                {
                    // Alternate which goes first, so neither always follows the other's cache warm-up or GC.
                    if (i % 2 == 0)
                    {
                        api.Add(await ApiAsync());
                        driver.Add(await DriverAsync());
                    }
                    else
                    {
                        driver.Add(await DriverAsync());
                        api.Add(await ApiAsync());
                    }
                }
                var paired = api.Zip(driver, (a, d) => a - d).ToList();
                var row = new JsonObject
                {
                    ["call_logs"] = size,
                    ["collection_documents"] = total,
                    ["query"] = name,
                    ["pairs"] = api.Count,
                    ["api_p50_ms"] = P(api, 0.5),
                    ["api_p99_ms"] = P(api, 0.99),
                    ["driver_p50_ms"] = P(driver, 0.5),
                    ["driver_p99_ms"] = P(driver, 0.99),
                    ["p99_difference_ms"] = Math.Round(P(api, 0.99) - P(driver, 0.99), 1),
                    ["paired_difference_p50_ms"] = P(paired, 0.5),
                    ["paired_difference_p99_ms"] = P(paired, 0.99),
                    ["load_average_before"] = load,
                };
                BenchHost.Say(row.ToJsonString());
                rows.Add(row);
            }
        }
        var report = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["seconds_per_scenario"] = perScenario.TotalSeconds,
            ["rows"] = rows,
        };
        Directory.CreateDirectory(settings.ResultsDir);
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "api-overhead.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        string Cell(JsonNode r, string name) => r[name]!.ToString();
        await File.WriteAllTextAsync(Path.Combine(settings.ResultsDir, "api-overhead.md"), $"""
            # API overhead vs the MongoDB driver

            Run {report["date"]} on {Environment.ProcessorCount} cores. `dotnet run -c Release --project bench/Api -- overhead`: the API
            in-process (local runner) on a CongoDB stand-in of its own; one client, `GET /api/call-logs?limit=50` and the
            driver's `Find` with the same filter, projection, sort and limit (51) taking turns for {perScenario.TotalSeconds} s per row,
            on the API's own `MongoContext`. Each size is a tenant of its own (the collection holds the tenants seeded before
            it too). "Paired" is API − driver within each pair. Goal: at most 5 ms added at p99.

            | call logs | query | pairs | API p50 / p99 ms | driver p50 / p99 ms | p99 difference ms | paired difference p50 / p99 ms | load average before |
            |---:|---|---:|---:|---:|---:|---:|---|
            {string.Join("\n", rows.Select(r => $"| {r!["call_logs"]!.GetValue<int>():N0} | {Cell(r, "query")} | {Cell(r, "pairs")} | {Cell(r, "api_p50_ms")} / {Cell(r, "api_p99_ms")} | {Cell(r, "driver_p50_ms")} / {Cell(r, "driver_p99_ms")} | {Cell(r, "p99_difference_ms")} | {Cell(r, "paired_difference_p50_ms")} / {Cell(r, "paired_difference_p99_ms")} | {Cell(r, "load_average_before")} |"))}

            """, ct);
        BenchHost.Say($"wrote {Path.Combine(settings.ResultsDir, "api-overhead.json")} and .md");
    }

    private static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return Math.Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
    }
}
