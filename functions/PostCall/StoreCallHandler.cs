using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Storage;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Functions.Analysis;

namespace VoiceAgents.Functions.PostCall;

/// <summary>
/// Stores a finished call: its transcript as JSON in S3 and in <c>transcripts</c>, its call log in <c>call_logs</c>
/// (id = call_id) and its place in the daily analytics. Every step is an overwrite or an upsert keyed by call_id, or
/// guarded per call_id (<see cref="CallAnalytics"/>), so a redelivered message, or one retried after failing half-way,
/// changes nothing twice. Times come from the message, never from the clock, for the same reason.
/// </summary>
public sealed partial class StoreCallHandler(
    CallRecords records, IObjectStore store, IEventQueue events, CallAnalysisQueue analysis, ILogger<StoreCallHandler> log)
{
    public async Task HandleAsync(CallCompletedMessage message, CancellationToken ct)
    {
        using var activity = Tracing.StartFromMessage("call.store", ActivityKind.Consumer, message.TraceParent, message.CallId);
        Validate(message);
        var callId = message.CallId.ToLowerInvariant();
        var campaignId = message.CampaignId?.ToLowerInvariant();
        var turns = message.Transcript ?? (await ReadAsync<TranscriptFile>(message.TranscriptKey, ct))?.Turns ?? [];
        var metrics = message.Turns ?? await ReadAsync<List<TurnMetrics>>(message.TurnMetricsKey, ct) ?? [];
        var endedAt = message.EndedAt.ToUniversalTime();

        var transcriptKey = ObjectKeys.Transcript(message.TenantId, campaignId, callId);
        var file = new TranscriptFile(callId, message.TenantId, message.AgentId, campaignId, turns);
        await using (var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(file, JsonDefaults.Options)))
        {
            await store.PutAsync(transcriptKey, json, "application/json", ct);
        }
        await records.UpsertTranscriptAsync(new Transcript
        {
            Id = callId,
            TenantId = message.TenantId,
            Turns = turns.ToList(),
            CreatedAt = endedAt,
        }, ct);
        await records.UpsertCallLogAsync(new CallLog
        {
            Id = callId,
            TenantId = message.TenantId,
            AgentId = message.AgentId,
            CampaignId = campaignId,
            PhoneNumber = message.PhoneNumber,
            Attempt = Math.Max(1, message.Attempt),
            Status = message.Status,
            EndReason = message.EndReason,
            StartedAt = message.StartedAt.ToUniversalTime(),
            EndedAt = endedAt,
            DurationSeconds = message.DurationSeconds,
            RecordingKey = message.RecordingKey,
            TranscriptKey = transcriptKey,
            Turns = metrics.ToList(),
            Variables = message.Variables is { Count: > 0 } v ? v.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!) : null,
            TransferredTo = message.TransferredTo,
            Usage = message.Usage?.Sanitized() is { IsEmpty: false } usage ? usage : null,
            CreatedAt = endedAt,
        }, ct);
        LogStored(callId, message.TenantId, turns.Count);

        // Last, once the call is visible: webhooks and live updates hear of it. A failure here brings the message
        // back; everything above is idempotent and the event's id is the call's, so consumers see it once.
        await events.EnqueueAsync(CompletedEvent(message, callId, campaignId, metrics, turns) with { TraceParent = Tracing.CurrentTraceParent() }, ct);
        // Then its analysis, when the agent has one (a redelivery enqueues it again; the analysis runs once per call).
        await analysis.EnqueueAsync(message.TenantId, message.AgentId, callId, ct);
    }

    /// <summary>The <c>call.completed</c> event; its <c>tool_calls</c> are the tool turns of <paramref name="transcript"/>, in order.</summary>
    public static PlatformEvent CompletedEvent(
        CallCompletedMessage m, string callId, string? campaignId, IReadOnlyList<TurnMetrics> metrics, IReadOnlyList<TranscriptTurn>? transcript = null) =>
        new($"{EventTypes.CallCompleted}:{callId}", EventTypes.CallCompleted, m.EndedAt.ToUniversalTime(), m.TenantId, new JsonObject
        {
            ["call_id"] = callId,
            ["agent_id"] = m.AgentId,
            ["campaign_id"] = campaignId,
            ["phone_number"] = m.PhoneNumber,
            ["status"] = JsonSerializer.SerializeToNode(m.Status, JsonDefaults.Options),
            ["end_reason"] = m.EndReason,
            ["started_at"] = JsonDefaults.Timestamp(m.StartedAt),
            ["ended_at"] = JsonDefaults.Timestamp(m.EndedAt),
            ["duration_seconds"] = m.DurationSeconds,
            ["turns"] = metrics.Count,
            ["recording_key"] = m.RecordingKey,
            // Built by hand: the serializer's snake_case key policy would rename the caller's own names.
            ["variables"] = m.Variables is { Count: > 0 } v ? new JsonObject(v.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))) : null,
            ["transferred_to"] = m.TransferredTo,
            ["tool_calls"] = JsonSerializer.SerializeToNode((transcript ?? []).Where(t => t.Tool is not null).Select(t => t.Tool).ToArray(), JsonDefaults.Options),
        });

    private static void Validate(CallCompletedMessage m)
    {
        var errors = new List<string>();
        if (!Ids.IsValid(m.CallId)) errors.Add("call_id");
        if (!Ids.IsValid(m.TenantId)) errors.Add("tenant_id");
        if (!Ids.IsValid(m.AgentId)) errors.Add("agent_id");
        if (m.CampaignId is not null && !Ids.IsValid(m.CampaignId)) errors.Add("campaign_id");
        if (m.StartedAt == default || m.EndedAt < m.StartedAt) errors.Add("started_at/ended_at");
        if (m.Transcript is null && string.IsNullOrEmpty(m.TranscriptKey)) errors.Add("transcript");
        if (errors.Count > 0)
        {
            // Retrying cannot fix it; after maxDequeueCount the message rests in the poison queue for a person to see.
            throw new InvalidDataException($"call-completed message with invalid {string.Join(", ", errors)}.");
        }
    }

    private async Task<T?> ReadAsync<T>(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key)) return default;
        await using var stream = await store.GetAsync(key, ct)
            ?? throw new InvalidDataException($"call-completed message refers to {key}, which is not in the bucket.");
        return await JsonSerializer.DeserializeAsync<T>(stream, JsonDefaults.Options, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored call {CallId} of tenant {TenantId} ({Turns} transcript turns)")]
    private partial void LogStored(string callId, string tenantId, int turns);
}
