using System.IO.Pipelines;
using System.Text.Json;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.CallLogs;

/// <summary>
/// Call logs as JSON Lines: one object per line with the list's fields in snake_case, <c>end_reason</c>,
/// <c>transferred_to</c> and the whole <c>analysis</c> (<c>kind</c>, <c>summary</c>, <c>data</c>, <c>success</c>,
/// <c>error</c>, <c>analyzed_at</c>); as in the API, a field without a value is left out.
/// </summary>
public sealed class JsonlCallLogWriter(PipeWriter body)
{
    private readonly Utf8JsonWriter _json = new(body, BsonJson.WriterOptions);

    public void Write(CallLog c)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("agent_id", c.AgentId);
        if (c.CampaignId is not null) w.WriteString("campaign_id", c.CampaignId);
        if (c.PhoneNumber is not null) w.WriteString("phone_number", c.PhoneNumber);
        w.WriteString("status", CallLogExporter.StatusName(c.Status));
        if (c.EndReason is not null) w.WriteString("end_reason", c.EndReason);
        w.WriteNumber("attempt", c.Attempt);
        w.WriteString("started_at", JsonDefaults.Timestamp(c.StartedAt));
        if (c.EndedAt is { } ended) w.WriteString("ended_at", JsonDefaults.Timestamp(ended));
        w.WriteNumber("duration_seconds", c.DurationSeconds);
        if (c.AvgVoiceToVoiceMs is { } v2v) w.WriteNumber("avg_voice_to_voice_ms", v2v);
        if (c.TransferredTo is not null) w.WriteString("transferred_to", c.TransferredTo);
        w.WriteString("created_at", JsonDefaults.Timestamp(c.CreatedAt));
        if (c.Analysis is { } a)
        {
            w.WriteStartObject("analysis");
            w.WriteString("kind", a.Kind);
            if (a.Summary is not null) w.WriteString("summary", a.Summary);
            if (a.Data is not null)
            {
                w.WritePropertyName("data");
                BsonJson.Write(w, a.Data);
            }
            if (a.Success is { } s)
            {
                w.WriteStartObject("success");
                w.WriteBoolean("verdict", s.Verdict);
                if (s.Reason is not null) w.WriteString("reason", s.Reason);
                w.WriteEndObject();
            }
            if (a.Error is not null) w.WriteString("error", a.Error);
            if (a.AnalyzedAt != default) w.WriteString("analyzed_at", JsonDefaults.Timestamp(a.AnalyzedAt));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.Flush();
        // One JSON text per line: the writer starts afresh after the line feed.
        w.Reset(body);
        body.GetSpan(1)[0] = (byte)'\n';
        body.Advance(1);
    }
}
