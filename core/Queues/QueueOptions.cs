namespace VoiceAgents.Core.Queues;

public sealed class QueueOptions
{
    public const string Section = "Queues";

    /// <summary>Azure Storage connection string; the Functions host reads the same value as <c>AzureWebJobsStorage</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The queues that join voice-host to the queue-triggered functions.</summary>
public static class QueueNames
{
    public const string CallCompleted = "call-completed";
    public static string Poison(string queue) => queue + "-poison";
}
