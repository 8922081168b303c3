using System.Text.Json.Nodes;

namespace VoiceAgents.Functions.Realtime;

/// <summary>Pushes live updates to the browsers of one tenant (its Web PubSub group).</summary>
public interface IRealtimePublisher
{
    /// <summary>False when no Web PubSub is configured: publishing does nothing.</summary>
    bool Enabled { get; }

    /// <summary>Sends a JSON message to every client in the tenant's group. Throws when the service refuses it.</summary>
    Task PublishAsync(string tenantId, JsonObject message, CancellationToken ct);

    /// <summary>A client access URL limited to the tenant's group. Only when <see cref="Enabled"/>.</summary>
    RealtimeClientAccess ClientAccess(string userId, string tenantId);

    /// <summary>Closes every open connection of one user (the <c>sub</c> of their client token). Throws when the service refuses it.</summary>
    Task CloseUserConnectionsAsync(string userId, string reason, CancellationToken ct);
}

/// <summary>What a client needs to connect: a URL carrying its access token, and the hub and group it may use.</summary>
public sealed record RealtimeClientAccess(Uri Url, string Hub, string Group, DateTimeOffset ExpiresAt);

/// <summary>The Web PubSub groups of the platform: one per tenant.</summary>
public static class RealtimeGroups
{
    public static string ForTenant(string tenantId) => $"tenant-{tenantId}";
}
