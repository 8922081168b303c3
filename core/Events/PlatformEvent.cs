using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Core.Events;

/// <summary>
/// Something a tenant's consumers hear of: webhooks receive it as is (<c>id</c>, <c>type</c>, <c>created_at</c>,
/// <c>data</c>) and the dashboard through Web PubSub. It travels on the <c>events</c> queue; its <c>id</c> is
/// deterministic for what happened (<c>call.completed:{call_id}</c>), so every consumer can be idempotent per id.
/// <c>trace_parent</c> (W3C) lets DispatchEvent continue the trace that raised it; it is not part of the payload.
/// </summary>
public sealed record PlatformEvent(string Id, string Type, DateTime CreatedAt, string TenantId, JsonObject Data, string? TraceParent = null)
{
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonDefaults.Options);

    /// <summary>The event as consumers see it: what a webhook POSTs and Web PubSub carries.</summary>
    public JsonObject ToPayload() => new()
    {
        ["id"] = Id,
        ["type"] = Type,
        ["created_at"] = JsonDefaults.Timestamp(CreatedAt),
        ["data"] = Data.DeepClone(),
    };
}

/// <summary>The event types. Webhooks subscribe to <see cref="Subscribable"/>; live updates carry them all.</summary>
public static class EventTypes
{
    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string CallCompleted = "call.completed";
    /// <summary>A call's post-call analysis, with its transcript.</summary>
    public const string CallAnalyzed = "call.analyzed";
    public const string CampaignProgress = "campaign.progress";
    public const string CampaignCompleted = "campaign.completed";

    /// <summary>What a webhook may subscribe to.</summary>
    public static readonly IReadOnlySet<string> Subscribable = new HashSet<string> { CallCompleted, CallStarted, CampaignCompleted, CallAnalyzed };
}

/// <summary>One consumer of platform events (webhook fan-out, live updates). Handlers are idempotent per event id.</summary>
public interface IEventHandler
{
    Task HandleAsync(PlatformEvent e, CancellationToken ct);
}
