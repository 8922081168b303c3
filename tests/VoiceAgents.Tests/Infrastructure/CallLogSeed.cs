using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.PostCall;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>
/// Call logs are written by post-call processing, so tests seed them through the core's own writer
/// (<see cref="CallRecords"/>) resolved from the runner, and then read them back over HTTP.
/// </summary>
public static class CallLogSeed
{
    /// <summary>A fixed, millisecond-precise base time, as MongoDB stores dates in milliseconds.</summary>
    public static readonly DateTime BaseTime = new(2024, 3, 1, 9, 0, 0, DateTimeKind.Utc);

    public static CallRecords Records(this ApiFixture api) => api.Services.GetRequiredService<CallRecords>();

    public static CallLog Log(
        string tenantId, DateTime createdAt, string? agentId = null, string? campaignId = null, string? phoneNumber = "+14155550100",
        CallStatus status = CallStatus.Completed, double durationSeconds = 30, params double[] voiceToVoiceMs) => new()
        {
            Id = Ids.New(),
            TenantId = tenantId,
            AgentId = agentId ?? Ids.New(),
            CampaignId = campaignId,
            PhoneNumber = phoneNumber,
            Status = status,
            EndReason = status == CallStatus.Completed ? "hangup" : status.ToString(),
            StartedAt = createdAt.AddSeconds(-durationSeconds),
            EndedAt = createdAt,
            DurationSeconds = durationSeconds,
            Turns = voiceToVoiceMs.Select((v, i) => new TurnMetrics { Turn = i + 1, VoiceToVoiceMs = v }).ToList(),
            CreatedAt = createdAt,
        };

    public static async Task<IReadOnlyList<CallLog>> InsertAsync(this ApiFixture api, IReadOnlyList<CallLog> logs)
    {
        await api.Records().InsertManyAsync(logs, CancellationToken.None);
        return logs;
    }

    /// <summary>
    /// Gives an agent an analysis setting whose data schema has <paramref name="properties"/> (strings), written to the
    /// stored agent as the agent API keeps it: a JSON Schema under <c>analysis.data</c>.
    /// </summary>
    public static async Task SetAnalysisSchemaAsync(this ApiFixture api, string agentId, params string[] properties)
    {
        var schema = new BsonDocument { ["type"] = "object", ["properties"] = new BsonDocument(properties.Select(p => new BsonElement(p, new BsonDocument("type", "string")))) };
        var agents = api.Services.GetRequiredService<MongoContext>().Database.GetCollection<BsonDocument>("agents");
        var result = await agents.UpdateOneAsync(
            new BsonDocument("_id", ObjectId.Parse(agentId)), new BsonDocument("$set", new BsonDocument("analysis", new BsonDocument { ["summary"] = true, ["data"] = schema })));
        Assert.Equal(1, result.MatchedCount);
    }

    /// <summary>The order every list answers in: created_at, then id, both descending.</summary>
    public static List<string> NewestFirst(IEnumerable<CallLog> logs) =>
        logs.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id, StringComparer.Ordinal).Select(l => l.Id).ToList();
}
