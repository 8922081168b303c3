using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Telemetry;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// Puts a stored call on the <c>call-analysis</c> queue when its agent has an <c>analysis</c> setting; a call of an
/// agent without one costs a read and no message.
/// </summary>
public sealed class CallAnalysisQueue(MongoContext db, QueueServiceClient queues, IOptions<QueueOptions> options)
{
    private volatile bool _created;

    public async Task EnqueueAsync(string tenantId, string agentId, string callId, CancellationToken ct)
    {
        var wanted = await db.Agents.Find(a => a.Id == agentId && a.TenantId == tenantId && a.Analysis != null).AnyAsync(ct);
        if (!wanted) return;
        var queue = queues.GetQueueClient(options.Value.CallAnalysisQueue);
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            _created = true;
        }
        var message = new CallAnalysisMessage(callId, tenantId, agentId, Tracing.CurrentTraceParent());
        await queue.SendMessageAsync(BinaryData.FromBytes(message.ToUtf8Json()), cancellationToken: ct);
    }
}
