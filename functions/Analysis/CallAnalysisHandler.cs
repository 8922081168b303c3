using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Analysis;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Functions.PostCall;
using VoiceAgents.Functions.Webhooks;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// Analyses one stored call, once: the analysis is written only onto a call log that has none, so a redelivered
/// message (or a second copy racing the first) keeps the first analysis; then the verdict is counted in the analytics
/// (guarded per call) and the <c>call.analyzed</c> event (id <c>call.analyzed:{call_id}</c>) is published. Each step
/// is idempotent, so a retry after a failure part-way completes the rest. A vendor failure escapes for the queue to
/// retry; on the last dequeue it is recorded as <see cref="CallAnalysis.Error"/> instead, so the call still has an answer.
/// </summary>
public sealed partial class CallAnalysisHandler(
    MongoContext db, LlmAnalyzer llm, CallAnalytics analytics, IEventQueue events, IOptions<WebhookOptions> queueRules,
    TimeProvider time, ILogger<CallAnalysisHandler> log)
{
    public async Task HandleAsync(CallAnalysisMessage message, long dequeueCount, CancellationToken ct)
    {
        using var activity = Tracing.StartFromMessage("call.analyze", ActivityKind.Consumer, message.TraceParent, message.CallId);
        var callId = Ids.Parse(message.CallId, "call_id");
        var call = await db.CallLogs.Find(c => c.Id == callId && c.TenantId == message.TenantId).FirstOrDefaultAsync(ct);
        if (call is null)
        {
            LogGone(callId);
            return;
        }
        if (call.Analysis is null)
        {
            var agent = await db.Agents.Find(a => a.Id == call.AgentId && a.TenantId == call.TenantId).FirstOrDefaultAsync(ct);
            if (agent?.Analysis is not { } settings)
            {
                LogNoSettings(callId, call.AgentId);
                return;
            }
            var turns = (await db.Transcripts.Find(t => t.Id == callId && t.TenantId == call.TenantId).FirstOrDefaultAsync(ct))?.Turns ?? [];
            var analysis = await AnalyzeAsync(agent, settings, turns, dequeueCount, ct);
            var written = await db.CallLogs.UpdateOneAsync(
                c => c.Id == callId && c.TenantId == call.TenantId && c.Analysis == null,
                Builders<CallLog>.Update.Set(c => c.Analysis, analysis), cancellationToken: ct);
            // Another copy of the message wrote first: its analysis is the call's.
            call = written.ModifiedCount == 1 ? With(call, analysis) : await db.CallLogs.Find(c => c.Id == callId).FirstAsync(ct);
            LogAnalyzed(callId, call.Analysis!.Kind, call.Analysis.Error is null);
        }
        await analytics.CountVerdictAsync(call, ct);
        var transcript = (await db.Transcripts.Find(t => t.Id == callId && t.TenantId == call.TenantId).FirstOrDefaultAsync(ct))?.Turns ?? [];
        await events.EnqueueAsync(AnalyzedEvent(call, transcript) with { TraceParent = Tracing.CurrentTraceParent() }, ct);
    }

    private async Task<CallAnalysis> AnalyzeAsync(Agent agent, AnalysisSettings settings, List<TranscriptTurn> turns, long dequeueCount, CancellationToken ct)
    {
        var provider = settings.Provider ?? agent.Llm.Provider;
        if (provider == "rules") return Checked(settings, ExtractiveAnalyzer.Analyze(settings, turns, time.GetUtcNow().UtcDateTime));
        if (!LlmAnalyzer.Speaks(provider)) return Failed($"Analysis by {provider} is not supported.");
        // The agent's model belongs to the agent's provider; another provider's analysis takes its own or the platform's.
        var model = settings.Model ?? (settings.Provider is null || settings.Provider == agent.Llm.Provider ? agent.Llm.Model : null);
        try
        {
            return await llm.AnalyzeAsync(agent.TenantId, provider, model, settings, turns, ct);
        }
        catch (AnalysisVendorException e) when (dequeueCount >= queueRules.Value.MaxDequeueCount)
        {
            return Failed(e.Message);
        }
    }

    /// <summary>An extracted value the schema refuses (text where it wants an integer) stays, and the error says why.</summary>
    private static CallAnalysis Checked(AnalysisSettings settings, CallAnalysis analysis)
    {
        if (settings.DataSchemaJson is not { } schema || analysis.Data is not { } data) return analysis;
        var problems = AnalysisSchema.DataProblems(schema, JsonNode.Parse(MongoDB.Bson.BsonExtensionMethods.ToJson(data, new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson }))!);
        if (problems is not null) analysis.Error = $"The extracted data does not match the schema: {problems}";
        return analysis;
    }

    private CallAnalysis Failed(string error) => new() { Kind = CallAnalysisKinds.Llm, Error = error, AnalyzedAt = time.GetUtcNow().UtcDateTime };

    private static CallLog With(CallLog call, CallAnalysis analysis)
    {
        call.Analysis = analysis;
        return call;
    }

    /// <summary>
    /// The <c>call.analyzed</c> event: the analysis and the transcript. A transcript too long for a queue message is
    /// left out, with <c>transcript_truncated</c>, for the receiver to read at <c>GET /api/call-logs/{id}/transcript</c>.
    /// </summary>
    public static PlatformEvent AnalyzedEvent(CallLog call, IReadOnlyList<TranscriptTurn> transcript)
    {
        var data = new JsonObject
        {
            ["call_id"] = call.Id,
            ["agent_id"] = call.AgentId,
            ["campaign_id"] = call.CampaignId,
            ["phone_number"] = call.PhoneNumber,
            ["status"] = JsonSerializer.SerializeToNode(call.Status, JsonDefaults.Options),
            ["ended_at"] = call.EndedAt is { } ended ? JsonDefaults.Timestamp(ended) : null,
            ["analysis"] = JsonSerializer.SerializeToNode(CallAnalysisResponse.From(call.Analysis), JsonDefaults.Options),
            ["transcript"] = JsonSerializer.SerializeToNode(transcript.Select(t => new { t.Speaker, t.Text, t.StartMs, t.EndMs }), JsonDefaults.Options),
        };
        var e = new PlatformEvent($"{EventTypes.CallAnalyzed}:{call.Id}", EventTypes.CallAnalyzed, call.Analysis?.AnalyzedAt ?? call.CreatedAt, call.TenantId, data);
        // The event travels on a queue (64 KiB, base64), with room left for the delivery message that wraps it.
        if (QueueNames.EncodedSize(e.ToUtf8Json().Length) > QueueNames.MaxMessageBytes / 2)
        {
            data.Remove("transcript");
            data["transcript_truncated"] = true;
        }
        return e;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} to analyse is not stored (deleted?); nothing to do")]
    private partial void LogGone(string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: agent {AgentId} has no analysis setting (any more); not analysed")]
    private partial void LogNoSettings(string callId, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} analysed ({Kind}, ok: {Ok})")]
    private partial void LogAnalyzed(string callId, string kind, bool ok);
}
