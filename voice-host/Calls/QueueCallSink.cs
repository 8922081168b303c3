using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Storage;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Hands finished calls to post-call processing through S3 and the call-completed queue. Each call is first written
/// to the local spool (recording and message, flushed to disk), then <see cref="CallSpoolWorker"/> delivers it. So
/// every call takes the same path whether S3 and the queue are up or not, and no call exists only in memory.
/// </summary>
public sealed class QueueCallSink(CallSpool spool, CallSpoolWorker worker) : ICallSink
{
    public async Task AcceptAsync(CallCompleted call, Func<Stream, CancellationToken, Task> writeRecording, CancellationToken ct)
    {
        await spool.AddAsync(ToMessage(call), writeRecording, ct);
        worker.Wake();
    }

    public static CallCompletedMessage ToMessage(CallCompleted call)
    {
        // campaign_id is the caller's word: only a well-formed id is passed on (and becomes part of S3 keys).
        var campaignId = Ids.IsValid(call.CampaignId) ? call.CampaignId!.ToLowerInvariant() : null;
        return new CallCompletedMessage(
            call.CallId, call.SessionId, call.TenantId, call.AgentId, campaignId, call.PhoneNumber,
            call.StartedAt.UtcDateTime, call.EndedAt.UtcDateTime, call.DurationSeconds, call.Status, call.EndReason,
            ObjectKeys.Recording(call.TenantId, campaignId, call.CallId),
            call.Turns.Select(t => new TurnMetrics
            {
                Turn = t.Turn,
                VoiceToVoiceMs = t.VoiceToVoiceMs,
                SttMs = t.SttMs,
                LlmTtftMs = t.LlmTtftMs,
                TtsTtfbMs = t.TtsTtfbMs,
            }).ToList(),
            call.Transcript,
            TraceParent: call.TraceParent,
            Attempt: call.Attempt,
            Variables: call.Variables?.ToDictionary(p => p.Key, p => (string?)p.Value),
            TransferredTo: call.TransferredTo,
            Usage: call.Usage?.Sanitized());
    }
}
