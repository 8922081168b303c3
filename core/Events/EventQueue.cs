using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using VoiceAgents.Core.Queues;

namespace VoiceAgents.Core.Events;

/// <summary>Puts platform events on the <c>events</c> queue, which the <c>DispatchEvent</c> function drains.</summary>
public interface IEventQueue
{
    Task EnqueueAsync(PlatformEvent e, CancellationToken ct);
}

public sealed class StorageEventQueue(QueueServiceClient queues, IOptions<QueueOptions> options) : IEventQueue
{
    private volatile bool _created;

    public async Task EnqueueAsync(PlatformEvent e, CancellationToken ct)
    {
        var queue = queues.GetQueueClient(options.Value.EventsQueue);
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            _created = true;
        }
        await queue.SendMessageAsync(BinaryData.FromBytes(e.ToUtf8Json()), cancellationToken: ct);
    }
}
