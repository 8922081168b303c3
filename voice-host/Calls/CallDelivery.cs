using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Storage;
using VoiceAgents.Core.Telemetry;

namespace VoiceAgents.VoiceHost.Calls;

/// <summary>
/// Delivers one spooled call: the recording to S3 first (in parts when large), then the call-completed message. A
/// transcript that would not fit in a queue message goes to S3 first and the message carries its key (and so do the
/// turn metrics, should even they not fit). Throws when S3 or the queue fails; the caller keeps the call and retries.
/// Sending twice is harmless: the functions store a call once per call_id.
/// </summary>
public sealed class CallDelivery(IObjectStore store, QueueServiceClient queues, IOptions<QueueOptions> options)
{
    private volatile bool _bucketReady;
    private volatile bool _queueReady;

    public async Task DeliverAsync(SpooledCall call, CancellationToken ct)
    {
        var message = JsonSerializer.Deserialize<CallCompletedMessage>(await File.ReadAllBytesAsync(call.MessagePath, ct), JsonDefaults.Options)
            ?? throw new InvalidDataException($"{call.MessagePath} holds no message.");
        // Continues the call's trace (also for a call resent after a restart); the message carries this span on.
        using var activity = Tracing.StartFromMessage("call.deliver", ActivityKind.Producer, message.TraceParent, message.CallId);
        message = message with { TraceParent = Tracing.CurrentTraceParent() ?? message.TraceParent };
        if (!File.Exists(call.RecordingUploadedPath))
        {
            await UploadRecordingAsync(message.RecordingKey!, call.RecordingPath, ct);
            await File.WriteAllBytesAsync(call.RecordingUploadedPath, [], ct);
        }

        var body = message.ToUtf8Json();
        if (!CallCompletedMessage.Fits(body) && message.Transcript is not null)
        {
            var key = ObjectKeys.Transcript(message.TenantId, message.CampaignId, message.CallId);
            await PutJsonAsync(key, new TranscriptFile(message.CallId, message.TenantId, message.AgentId, message.CampaignId, message.Transcript), ct);
            message = message with { Transcript = null, TranscriptKey = key };
            body = message.ToUtf8Json();
        }
        if (!CallCompletedMessage.Fits(body) && message.Turns is not null)
        {
            var key = ObjectKeys.TurnMetrics(message.TenantId, message.CampaignId, message.CallId);
            await PutJsonAsync(key, message.Turns, ct);
            message = message with { Turns = null, TurnMetricsKey = key };
            body = message.ToUtf8Json();
        }

        var queue = queues.GetQueueClient(options.Value.CallCompletedQueue);
        if (!_queueReady)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            _queueReady = true;
        }
        try
        {
            await queue.SendMessageAsync(new BinaryData(body), cancellationToken: ct);
        }
        catch (Azure.RequestFailedException e) when (e.ErrorCode == "QueueNotFound")
        {
            _queueReady = false;
            throw;
        }
    }

    private async Task UploadRecordingAsync(string key, string path, CancellationToken ct)
    {
        // The bucket may not exist yet when S3 came up after voice-host (the start-up initializer backs off).
        if (!_bucketReady)
        {
            await store.EnsureBucketAsync(ct);
            _bucketReady = true;
        }
        try
        {
            await store.UploadFileAsync(key, path, "audio/wav", ct);
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            _bucketReady = false;
            throw;
        }
    }

    private async Task PutJsonAsync<T>(string key, T value, CancellationToken ct)
    {
        await using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, JsonDefaults.Options));
        await store.PutAsync(key, json, "application/json", ct);
    }
}
