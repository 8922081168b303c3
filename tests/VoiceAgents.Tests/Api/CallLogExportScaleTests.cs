using System.Globalization;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.CallLogSeed;

namespace VoiceAgents.Tests.Api;

/// <summary>The export at 100,000 call logs, on a runner and MongoDB stand-in of its own (<see cref="CallLogExportScaleFixture"/>).</summary>
public sealed class CallLogExportScaleTests(CallLogExportScaleFixture fx) : IClassFixture<CallLogExportScaleFixture>
{
    private ApiFixture Api => fx.Api;

    private const int Rows = 100_000;
    private const int SmallRows = 1_000;

    [Fact]
    public async Task Exporting_100000_call_logs_streams_each_once_newest_first_in_no_more_memory_than_a_1000_row_export()
    {
        var big = await Api.SignupAsync("export-100k");
        var small = await Api.SignupAsync("export-1k");
        // One agent's calls: its analysis schema gives the columns.
        var bigAgent = await AgentWithSchemaAsync(big);
        var smallAgent = await AgentWithSchemaAsync(small);
        var expectedBig = await SeedAsync(big.TenantId, bigAgent, Rows);
        var expectedSmall = await SeedAsync(small.TenantId, smallAgent, SmallRows);

        var smallRun = await ExportAsync(small, smallAgent, sampleEvery: SmallRows / 10);
        var bigRun = await ExportAsync(big, bigAgent, sampleEvery: Rows / 10);

        Assert.Equal(expectedSmall, smallRun.Ids);
        Assert.Equal(expectedBig, bigRun.Ids);
        // Streamed: no length up front, the body is chunked as it is written.
        Assert.Null(bigRun.ContentLength);
        // Each row is about 600 bytes of CSV and a few KB as a call log in memory: an export that held its rows (or
        // its text) would grow the live heap by hundreds of MB at 100,000. A streamed one holds one cursor batch and
        // the response buffers, whatever the count: the same as for 1,000 rows, within the noise of a shared process.
        Assert.True(bigRun.PeakGrowth < smallRun.PeakGrowth + 32 * 1024 * 1024,
            $"the live heap grew by {bigRun.PeakGrowth / 1024 / 1024} MB exporting {Rows:N0} rows, {smallRun.PeakGrowth / 1024 / 1024} MB exporting {SmallRows:N0}");
    }

    /// <summary>
    /// Seeds <paramref name="count"/> analysed call logs a second apart, in batches of 1,000 as the API bench does (a
    /// larger insert blocks the stand-in), and returns their count and an order-independent checksum of their ids.
    /// </summary>
    private async Task<IdSet> SeedAsync(string tenantId, string agent, int count)
    {
        var ids = new IdSet();
        for (var start = 0; start < count; start += 1000)
        {
            var batch = new List<CallLog>(1000);
            for (var i = start; i < Math.Min(count, start + 1000); i++)
            {
                var log = Log(tenantId, BaseTime.AddSeconds(i), agent, phoneNumber: $"+1415555{i % 10000:D4}", durationSeconds: i % 600);
                log.Analysis = new CallAnalysis
                {
                    Summary = $"Caller {i} asked to book a table for {i % 8 + 1} on Friday evening and gave a phone number for the confirmation text.",
                    Success = new CallSuccess { Verdict = i % 3 != 0, Reason = "The booking was confirmed." },
                    Data = new BsonDocument { ["party"] = i % 8 + 1, ["day"] = "friday", ["name"] = $"Caller {i}" },
                    AnalyzedAt = log.CreatedAt.AddSeconds(5),
                };
                ids.Add(log.Id);
                batch.Add(log);
            }
            await Api.InsertAsync(batch);
        }
        return ids;
    }

    /// <summary>
    /// Reads the export line by line as it arrives, checking the order as it goes, and takes the live heap (after a
    /// full collection) every <paramref name="sampleEvery"/> rows: the runner serves the export in this process.
    /// </summary>
    private async Task<string> AgentWithSchemaAsync(TenantSession tenant)
    {
        var agent = (await tenant.CreateAgentAsync("Booker"))["id"]!.GetValue<string>();
        await Api.SetAnalysisSchemaAsync(agent, "party", "day", "name");
        return agent;
    }

    private static async Task<ExportRun> ExportAsync(TenantSession tenant, string agentId, int sampleEvery)
    {
        using var client = tenant.Client();
        client.Timeout = TimeSpan.FromMinutes(3);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        using var response = await client.GetAsync($"call-logs/export?format=csv&agent_id={agentId}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var header = (await reader.ReadLineAsync())!.Split(',');
        var createdAt = Array.IndexOf(header, "created_at");
        Assert.Equal(["analysis.party", "analysis.day", "analysis.name"], header[^3..]);
        var ids = new IdSet();
        var previous = DateTime.MaxValue;
        while (await reader.ReadLineAsync() is { } line)
        {
            var cells = line.Split(',');
            var at = DateTime.Parse(cells[createdAt], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            Assert.True(at < previous, $"row {ids.Count + 1} ({at:o}) is not older than the one before ({previous:o})");
            previous = at;
            ids.Add(cells[0]);
            if (ids.Count % sampleEvery == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        }
        return new ExportRun(ids, peak - baseline, response.Content.Headers.ContentLength);
    }

    private sealed record ExportRun(IdSet Ids, long PeakGrowth, long? ContentLength);

    /// <summary>
    /// A count and two order-independent sums of the ids' last 16 hex digits (an ObjectId's random part and counter):
    /// equal ones mean the same ids, each once, without holding 100,000 strings while the heap is measured.
    /// </summary>
    private sealed record IdSet
    {
        public int Count { get; private set; }
        public ulong Sum { get; private set; }
        public ulong Xor { get; private set; }

        public void Add(string id)
        {
            var tail = ulong.Parse(id.AsSpan(8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            Count++;
            Sum = unchecked(Sum + (tail * 0x9E3779B97F4A7C15));
            Xor ^= tail;
        }
    }
}
