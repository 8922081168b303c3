using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Auth;

namespace VoiceAgents.Functions.CallLogs;

/// <summary>The formats of <c>GET /api/call-logs/export</c>.</summary>
public enum CallLogExportFormat
{
    Csv,
    Jsonl,
}

/// <summary>
/// Streams the call logs of the list's filters to a response, newest first, in memory that does not grow with their
/// number: one database cursor read a batch at a time, each row written to the response body as it comes, and a
/// flush (which waits while the client is behind) every <see cref="FlushBytes"/>.
/// </summary>
public sealed partial class CallLogExporter(MongoContext db, CallLogsService calls, CurrentUser current, ILogger<CallLogExporter> log)
{
    /// <summary>Call logs per cursor batch.</summary>
    public const int BatchSize = 1000;

    /// <summary>How much is written before the response is flushed.</summary>
    public const int FlushBytes = 64 * 1024;

    /// <summary>At most this many <c>analysis.&lt;property&gt;</c> columns.</summary>
    public const int MaxDataColumns = 200;

    private static readonly Dictionary<CallStatus, string> StatusNames =
        Enum.GetValues<CallStatus>().ToDictionary(s => s, s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()));

    public static string StatusName(CallStatus status) => StatusNames[status];

    public async Task ExportAsync(CallLogFilter q, CallLogExportFormat format, HttpResponse response, CancellationToken ct)
    {
        var filter = calls.Matching(q);
        var clock = Stopwatch.StartNew();
        var body = response.BodyWriter;
        Action<CallLog> write;
        if (format == CallLogExportFormat.Csv)
        {
            var csv = new CsvCallLogWriter(body, await DataFieldsAsync(q, filter, ct));
            response.ContentType = "text/csv; charset=utf-8; header=present";
            csv.WriteHeader();
            write = csv.Write;
        }
        else
        {
            response.ContentType = "application/x-ndjson; charset=utf-8";
            write = new JsonlCallLogWriter(body).Write;
        }
        response.Headers.ContentDisposition = $"attachment; filename=\"call-logs.{(format == CallLogExportFormat.Csv ? "csv" : "jsonl")}\"";
        response.Headers.CacheControl = "no-store";

        var rows = 0L;
        using var cursor = await db.CallLogs.Find(filter, new FindOptions { BatchSize = BatchSize })
            .Project<CallLog>(Builders<CallLog>.Projection.Exclude(c => c.Turns))
            .Sort(Builders<CallLog>.Sort.Descending(c => c.CreatedAt).Descending(c => c.Id))
            .ToCursorAsync(ct);
        while (await cursor.MoveNextAsync(ct))
        {
            foreach (var c in cursor.Current)
            {
                write(c);
                rows++;
                if (body.CanGetUnflushedBytes && body.UnflushedBytes >= FlushBytes && (await body.FlushAsync(ct)).IsCompleted) return;
            }
            // At least once a batch, for a writer that cannot say how much it holds.
            if ((await body.FlushAsync(ct)).IsCompleted) return;
        }
        LogExported(rows, format, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// The data columns: for one agent's calls, the properties of its analysis schema, in the schema's order; otherwise
    /// (or when the agent has no schema) every key the selected calls' analysis data holds, sorted.
    /// </summary>
    private async Task<IReadOnlyList<string>> DataFieldsAsync(CallLogFilter q, FilterDefinition<CallLog> filter, CancellationToken ct)
    {
        if (q.AgentId is not null && await SchemaPropertiesAsync(q.AgentId, ct) is { Count: > 0 } properties) return properties;
        // The database gathers the keys (one small answer), so this costs one pass there and nothing here.
        var keys = await db.CallLogs.Aggregate()
            .Match(filter & Builders<CallLog>.Filter.Type("analysis.data", BsonType.Document))
            .Project(new BsonDocument("k", new BsonDocument("$objectToArray", "$analysis.data")))
            .Unwind("k")
            .Group(new BsonDocument("_id", "$k.k"))
            .Sort(new BsonDocument("_id", 1))
            .Limit(MaxDataColumns)
            .ToListAsync(ct);
        return keys.Select(k => k["_id"].AsString).ToList();
    }

    /// <summary>
    /// The property names of the agent's <c>analysis.data</c> JSON Schema, read from the stored agent as it is (a
    /// document, or the schema's JSON text), so the export does not depend on how the agent's settings type holds it.
    /// </summary>
    private async Task<List<string>> SchemaPropertiesAsync(string agentId, CancellationToken ct)
    {
        var agents = db.Database.GetCollection<BsonDocument>(db.Agents.CollectionNamespace.CollectionName);
        var agent = await agents.Find(new BsonDocument { { "_id", ObjectId.Parse(agentId) }, { "tenant_id", current.TenantId } }).FirstOrDefaultAsync(ct);
        var schema = agent?.GetValue("analysis", BsonNull.Value) is BsonDocument analysis ? analysis.GetValue("data", BsonNull.Value) : BsonNull.Value;
        switch (schema)
        {
            case BsonDocument d when d.GetValue("properties", BsonNull.Value) is BsonDocument p:
                return p.Names.Take(MaxDataColumns).ToList();
            case BsonString s:
                try
                {
                    return JsonNode.Parse(s.Value)?["properties"] is JsonObject o ? o.Select(p => p.Key).Take(MaxDataColumns).ToList() : [];
                }
                catch (JsonException)
                {
                    return [];
                }
            default:
                return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Rows} call logs as {Format} in {ElapsedMs} ms")]
    private partial void LogExported(long rows, CallLogExportFormat format, long elapsedMs);
}
