using System.Reflection;
using Azure.Core.Serialization;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceAgents.Functions.Infrastructure;

namespace VoiceAgents.Functions.LocalRunner;

/// <summary>
/// Drives one queue-triggered function from an Azure Storage queue (Azurite locally) by the Functions host's rules:
/// poll with back-off up to <c>maxPollingInterval</c>; on failure make the message visible again after
/// <c>visibilityTimeout</c>; once it has been dequeued <c>maxDequeueCount</c> times, move it to <c>&lt;queue&gt;-poison</c>.
/// </summary>
public sealed partial class QueueTriggerListener(
    QueueFunction function, QueueClient queue, QueueClient poison, HostSettings host, FunctionInvoker invoker,
    IOptions<WorkerOptions> worker, ILogger<QueueTriggerListener> log) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var delay = MinPollingInterval;
        var ready = false;
        while (!stop.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                if (!ready)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stop);
                    await poison.CreateIfNotExistsAsync(cancellationToken: stop);
                    ready = true;
                }
                messages = (await queue.ReceiveMessagesAsync(host.BatchSize, Lease, stop)).Value;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // The queue may be gone with the service it lived on (an in-memory Azurite restarted): create it again.
                ready = false;
                LogPollFailed(e, queue.Name);
                await Delay(host.MaxPollingInterval, stop);
                continue;
            }
            if (messages.Length == 0)
            {
                await Delay(delay, stop);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, host.MaxPollingInterval.Ticks));
                continue;
            }
            delay = MinPollingInterval;
            await Parallel.ForEachAsync(messages, stop, ProcessAsync);
        }
    }

    private async ValueTask ProcessAsync(QueueMessage message, CancellationToken stop)
    {
        if (message.DequeueCount > host.MaxDequeueCount)
        {
            await MoveToPoisonAsync(message, stop);
            return;
        }
        try
        {
            await invoker.InvokeAsync(function.Method, function.Name, Bind(message), null, BindingData(message),
                (int)message.DequeueCount - 1, host.MaxDequeueCount, stop);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stop);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            LogInvocationFailed(e, function.Name, message.MessageId, message.DequeueCount, host.MaxDequeueCount);
            if (message.DequeueCount >= host.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, stop);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: host.VisibilityTimeout, cancellationToken: stop);
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken ct)
    {
        await poison.SendMessageAsync(message.Body, cancellationToken: ct);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        LogPoisoned(message.MessageId, poison.Name);
    }

    private Func<ParameterInfo, FunctionContext, (bool, object?)> Bind(QueueMessage message) => (p, ctx) =>
    {
        if (p != function.MessageParameter) return (false, null);
        var type = p.ParameterType;
        if (type == typeof(string)) return (true, message.Body.ToString());
        if (type == typeof(BinaryData)) return (true, message.Body);
        if (type == typeof(byte[])) return (true, message.Body.ToArray());
        if (type == typeof(QueueMessage)) return (true, message);
        var serializer = worker.Value.Serializer ?? new JsonObjectSerializer();
        return (true, serializer.Deserialize(message.Body.ToStream(), type, ctx.CancellationToken));
    };

    private static Dictionary<string, object?> BindingData(QueueMessage m) => new()
    {
        ["Id"] = m.MessageId,
        ["DequeueCount"] = m.DequeueCount,
        ["InsertionTime"] = m.InsertedOn,
        ["ExpirationTime"] = m.ExpiresOn,
        ["NextVisibleTime"] = m.NextVisibleOn,
        ["PopReceipt"] = m.PopReceipt,
        ["QueueTrigger"] = m.Body.ToString(),
    };

    private static async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling queue {Queue} failed")]
    private partial void LogPollFailed(Exception e, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed for message {MessageId} (dequeue {DequeueCount} of {MaxDequeueCount})")]
    private partial void LogInvocationFailed(Exception e, string function, string messageId, long dequeueCount, int maxDequeueCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved to {PoisonQueue}")]
    private partial void LogPoisoned(string messageId, string poisonQueue);
}
