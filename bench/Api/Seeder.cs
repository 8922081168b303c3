using System.Diagnostics;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.PostCall;

namespace VoiceAgents.Bench.Api;

public sealed record SeedResult(string TenantId, long Documents, double Seconds, double DocumentsPerSecond, IReadOnlyList<string> CampaignIds);

/// <summary>
/// Writes call logs through the core's own writer (<see cref="CallRecords.InsertManyAsync"/>), in batches, two
/// batches in flight so the driver's serialization overlaps the server's work.
/// </summary>
public sealed class Seeder(CallRecords records, BenchSettings settings)
{
    /// <summary>The newest seeded call; older ones go back five seconds at a time.</summary>
    public static readonly DateTime Newest = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly CallStatus[] Statuses =
        [CallStatus.Completed, CallStatus.Completed, CallStatus.Completed, CallStatus.Completed, CallStatus.Completed,
         CallStatus.Completed, CallStatus.NoAnswer, CallStatus.Busy, CallStatus.Failed, CallStatus.Completed];

    public async Task<SeedResult> SeedAsync(string tenantId, int count, Action<long, TimeSpan>? progress, CancellationToken ct)
    {
        var campaigns = Enumerable.Range(0, settings.Campaigns).Select(_ => Ids.New()).ToArray();
        var agents = Enumerable.Range(0, 5).Select(_ => Ids.New()).ToArray();
        var started = Stopwatch.StartNew();
        long written = 0;
        var inFlight = new List<Task>();
        for (var offset = 0; offset < count; offset += settings.BatchSize)
        {
            var size = Math.Min(settings.BatchSize, count - offset);
            var batch = Enumerable.Range(offset, size).Select(i => Log(tenantId, i, campaigns, agents)).ToList();
            inFlight.Add(InsertAsync(batch));
            if (inFlight.Count >= 2)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                await done;
            }
        }
        await Task.WhenAll(inFlight);

        async Task InsertAsync(List<CallLog> batch)
        {
            await records.InsertManyAsync(batch, ct);
            progress?.Invoke(Interlocked.Add(ref written, batch.Count), started.Elapsed);
        }

        var seconds = started.Elapsed.TotalSeconds;
        return new SeedResult(tenantId, count, Math.Round(seconds, 2), Math.Round(count / Math.Max(seconds, 0.001), 1), campaigns);
    }

    /// <summary>
    /// Call <paramref name="i"/> of a tenant: five seconds older than the one before, except that every tenth shares
    /// its created_at with the previous one (so the id tie-break matters); 80% belong to one of the campaigns.
    /// </summary>
    private static CallLog Log(string tenantId, int i, string[] campaigns, string[] agents)
    {
        var createdAt = Newest.AddSeconds(-5L * (i - i / 10));
        var status = Statuses[i % Statuses.Length];
        var completed = status == CallStatus.Completed;
        var duration = completed ? 20 + i % 280 : 0;
        var id = Ids.New();
        return new CallLog
        {
            Id = id,
            TenantId = tenantId,
            AgentId = agents[i % agents.Length],
            CampaignId = i % 5 == 4 ? null : campaigns[i % campaigns.Length],
            PhoneNumber = $"+1415{i % 10_000_000:D7}",
            Status = status,
            EndReason = completed ? "hangup" : status.ToString(),
            Attempt = 1 + i % 3,
            StartedAt = createdAt.AddSeconds(-duration),
            EndedAt = createdAt,
            DurationSeconds = duration,
            RecordingKey = completed ? $"recordings/{tenantId}/{id}.wav" : null,
            TranscriptKey = completed ? $"transcripts/{tenantId}/{id}.json" : null,
            Turns = completed
                ? Enumerable.Range(1, 3).Select(t => new TurnMetrics
                {
                    Turn = t, VoiceToVoiceMs = 600 + (i + t * 37) % 500, SttMs = 100 + t * 10, LlmTtftMs = 250 + i % 200, TtsTtfbMs = 150,
                }).ToList()
                : [],
            CreatedAt = createdAt,
        };
    }
}
