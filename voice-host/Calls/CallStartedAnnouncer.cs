using System.Text.Json.Nodes;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Announces each call that became ready as a <c>call.started</c> platform event on the events queue (webhooks and
/// the dashboard's live updates hear of it). Best effort: it runs beside the call, never delays or fails it, and a
/// failure is only logged. Off when no storage account is configured (a voice-host without queues).
/// </summary>
public sealed partial class CallStartedAnnouncer(IEventQueue events, IConfiguration config, ILogger<CallStartedAnnouncer> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly bool _enabled = !string.IsNullOrEmpty(config["Queues:ConnectionString"] ?? config["AzureWebJobsStorage"]);

    public void Announce(CallContext call, CallStart start)
    {
        if (!_enabled) return;
        // Under the call's span (voice.call), so the event's dispatch joins the call's trace.
        var e = Started(call, start) with { TraceParent = Tracing.CurrentTraceParent() };
        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(Timeout);
                await events.EnqueueAsync(e, timeout.Token);
            }
            catch (Exception ex)
            {
                LogFailed(ex, call.CallId);
            }
        });
    }

    public static PlatformEvent Started(CallContext call, CallStart start)
    {
        var startedAt = call.StartedAt.UtcDateTime;
        return new PlatformEvent($"{EventTypes.CallStarted}:{call.CallId}", EventTypes.CallStarted, startedAt, call.TenantId, new JsonObject
        {
            ["call_id"] = call.CallId,
            ["agent_id"] = call.Agent.Id,
            // As in the call-completed message: campaign_id is the caller's word, passed on only when well-formed.
            ["campaign_id"] = Ids.IsValid(start.CampaignId) ? start.CampaignId!.ToLowerInvariant() : null,
            ["phone_number"] = start.PhoneNumber,
            ["started_at"] = JsonDefaults.Timestamp(startedAt),
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce call.started for call {CallId}; the call goes on")]
    private partial void LogFailed(Exception ex, string callId);
}
