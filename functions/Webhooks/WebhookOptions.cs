using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>Webhook delivery settings (section <c>Webhooks</c>, so <c>Webhooks__AllowPrivateTargets</c> as an app setting).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Allows plain http and private, loopback and link-local targets. For local runs only (<c>./run.sh</c> turns it
    /// on); in production every target must be https and resolve to public addresses.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The most webhooks one tenant may have, so one event cannot fan out without bound.</summary>
    public int MaxPerTenant { get; set; } = 20;

    /// <summary>How long one POST may take, connecting included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries within one dequeue, on a network error, a timeout, 408, 429 or 5xx.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first retry's delay; each further one doubles it, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The queue's maxDequeueCount, so the last dequeue can mark its delivery failed before the message goes to the
    /// poison queue. 0 (the default) reads it as the host does: the app setting
    /// <c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c>, else host.json, else 5.
    /// </summary>
    public int MaxDequeueCount { get; set; }

    internal static void ResolveMaxDequeueCount(WebhookOptions o, IConfiguration config)
    {
        if (o.MaxDequeueCount > 0) return;
        if (int.TryParse(config["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"], out var overridden) && overridden > 0)
        {
            o.MaxDequeueCount = overridden;
            return;
        }
        o.MaxDequeueCount = 5;
        var path = config["HostJsonPath"] ?? Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(path)) return;
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (doc.RootElement.TryGetProperty("extensions", out var ext) && ext.ValueKind == JsonValueKind.Object
            && ext.TryGetProperty("queues", out var queues) && queues.ValueKind == JsonValueKind.Object
            && queues.TryGetProperty("maxDequeueCount", out var max) && max.TryGetInt32(out var value) && value > 0)
        {
            o.MaxDequeueCount = value;
        }
    }
}
