using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.CallLogs;

/// <summary>
/// Call logs as CSV rows (RFC 4180: a header line, CRLF line ends, <see cref="CsvCell"/>'s quoting), one column per
/// field of the list plus the analysis: its kind, summary, success verdict and reason, error, and one
/// <c>analysis.&lt;property&gt;</c> column per field of its data (<paramref name="dataFields"/>).
/// </summary>
public sealed class CsvCallLogWriter(PipeWriter body, IReadOnlyList<string> dataFields)
{
    public static readonly string[] Columns =
    [
        "id", "created_at", "started_at", "ended_at", "agent_id", "campaign_id", "phone_number", "status", "end_reason", "attempt",
        "duration_seconds", "avg_voice_to_voice_ms", "transferred_to", "analysis_kind", "summary", "success", "success_reason", "analysis_error",
    ];

    private readonly StringBuilder _row = new(1024);
    private bool _first = true;

    public void WriteHeader()
    {
        foreach (var column in Columns) Text(column);
        foreach (var field in dataFields) Text("analysis." + field);
        EndRow();
    }

    public void Write(CallLog c)
    {
        Text(c.Id);
        Raw(JsonDefaults.Timestamp(c.CreatedAt));
        Raw(JsonDefaults.Timestamp(c.StartedAt));
        Raw(c.EndedAt is { } ended ? JsonDefaults.Timestamp(ended) : null);
        Text(c.AgentId);
        Text(c.CampaignId);
        Text(c.PhoneNumber);
        Raw(CallLogExporter.StatusName(c.Status));
        Text(c.EndReason);
        Raw(c.Attempt.ToString(CultureInfo.InvariantCulture));
        Raw(c.DurationSeconds.ToString(CultureInfo.InvariantCulture));
        Raw(c.AvgVoiceToVoiceMs?.ToString(CultureInfo.InvariantCulture));
        Text(c.TransferredTo);
        var a = c.Analysis;
        Text(a?.Kind);
        Text(a?.Summary);
        Raw(a?.Success is { } s ? (s.Verdict ? "true" : "false") : null);
        Text(a?.Success?.Reason);
        Text(a?.Error);
        foreach (var field in dataFields)
        {
            if (a?.Data is { } data && data.TryGetValue(field, out var value)) Value(value);
            else Raw(null);
        }
        EndRow();
    }

    /// <summary>A field of the analysis's data: numbers and booleans as they are, text guarded, objects and lists as JSON.</summary>
    private void Value(BsonValue value)
    {
        switch (value.BsonType)
        {
            case BsonType.String:
                Text(value.AsString);
                break;
            case BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 or BsonType.Boolean or BsonType.DateTime:
                // Written by us, never a formula: a negative number stays a number.
                Raw(BsonJson.ToText(value).Trim('"'));
                break;
            case BsonType.Null or BsonType.Undefined:
                Raw(null);
                break;
            default:
                Text(BsonJson.ToText(value));
                break;
        }
    }

    private void Text(string? value)
    {
        Separate();
        CsvCell.AppendText(_row, value);
    }

    /// <summary>A cell this writer formatted itself (numbers, times, enum names): nothing in it to quote or guard.</summary>
    private void Raw(string? value)
    {
        Separate();
        _row.Append(value);
    }

    private void Separate()
    {
        if (!_first) _row.Append(',');
        _first = false;
    }

    private void EndRow()
    {
        _row.Append("\r\n");
        var text = _row.ToString();
        var span = body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        body.Advance(Encoding.UTF8.GetBytes(text, span));
        _row.Clear();
        _first = true;
    }
}
