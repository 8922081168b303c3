namespace VoiceAgents.Core.Queues;

public sealed class QueueOptions
{
    public const string Section = "Queues";

    /// <summary>Azure Storage connection string; the Functions host reads the same value as <c>AzureWebJobsStorage</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The <c>call-completed</c> queue's name, from the app setting <c>CallCompletedQueue</c> that the queue trigger
    /// also reads (<c>%CallCompletedQueue%</c>), so one setting names it for voice-host and the Functions app.
    /// </summary>
    public string CallCompletedQueue { get; set; } = QueueNames.CallCompleted;

    /// <summary>The <c>events</c> queue's name, from the app setting <c>EventsQueue</c> (as above).</summary>
    public string EventsQueue { get; set; } = QueueNames.Events;

    /// <summary>The <c>webhook-deliveries</c> queue's name, from the app setting <c>WebhookDeliveriesQueue</c> (as above).</summary>
    public string WebhookDeliveriesQueue { get; set; } = QueueNames.WebhookDeliveries;

    /// <summary>The <c>call-analysis</c> queue's name, from the app setting <c>CallAnalysisQueue</c> (as above).</summary>
    public string CallAnalysisQueue { get; set; } = QueueNames.CallAnalysis;
}

/// <summary>The queues that join voice-host to the queue-triggered functions.</summary>
public static class QueueNames
{
    public const string CallCompleted = "call-completed";

    /// <summary>The app setting that names the call-completed queue (a test run isolates its queue with it).</summary>
    public const string CallCompletedSetting = "CallCompletedQueue";

    /// <summary>Platform events (<see cref="Events.PlatformEvent"/>) on their way to webhooks and live updates.</summary>
    public const string Events = "events";

    public const string EventsSetting = "EventsQueue";

    /// <summary>One message per (event, webhook) to deliver, drained by the <c>DeliverWebhook</c> function.</summary>
    public const string WebhookDeliveries = "webhook-deliveries";

    public const string WebhookDeliveriesSetting = "WebhookDeliveriesQueue";

    /// <summary>One message per stored call whose agent has an analysis, drained by the <c>AnalyzeCall</c> function.</summary>
    public const string CallAnalysis = "call-analysis";

    public const string CallAnalysisSetting = "CallAnalysisQueue";

    /// <summary>Azure Storage takes at most 64 KiB per message, counted after base64 encoding.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public static string Poison(string queue) => queue + "-poison";

    /// <summary>The size of a message body once base64-encoded, as the queue counts it.</summary>
    public static int EncodedSize(int utf8Bytes) => (utf8Bytes + 2) / 3 * 4;
}
