using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Events;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Realtime;

/// <summary>Where the dashboard connects for live updates: a Web PubSub client URL for the caller's tenant group only.</summary>
public sealed record NegotiateResponse(string Url, string Hub, string Group, DateTime ExpiresAt);

public sealed class RealtimeFunctions(IRealtimePublisher realtime, CurrentUser user)
{
    [Function("NegotiateRealtime"), MembersOnly]
    [OpenApiOperation("realtime", "A Web PubSub client URL (subprotocol json.webpubsub.azure.v1) that joins the caller's tenant group and no other; 503 when live updates are off", null, typeof(NegotiateResponse))]
    public Ok<NegotiateResponse> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "realtime/negotiate")] HttpRequest req)
    {
        if (!realtime.Enabled) throw new RealtimeUnavailableException();
        var access = realtime.ClientAccess(user.UserId, user.TenantId);
        return TypedResults.Ok(new NegotiateResponse(access.Url.AbsoluteUri, access.Hub, access.Group, access.ExpiresAt.UtcDateTime));
    }
}

public sealed class RealtimeUnavailableException()
    : ApiException(503, "Service Unavailable", "Live updates are not configured on this deployment.");

/// <summary>
/// Pushes every platform event to its tenant's group as <c>{id, type, created_at, data}</c>. The dashboard listens for
/// <c>call.started</c>, <c>call.ended</c> and <c>campaign.progress</c>, so <c>call.completed</c> goes out as
/// <c>call.ended</c>. A redelivered event is sent again with the same <c>id</c>, by which clients drop repeats.
/// </summary>
public sealed class LiveUpdatesHandler(IRealtimePublisher realtime) : IEventHandler
{
    public Task HandleAsync(PlatformEvent e, CancellationToken ct)
    {
        if (!realtime.Enabled) return Task.CompletedTask;
        return realtime.PublishAsync(e.TenantId, ToMessage(e), ct);
    }

    public static string LiveType(string type) => type == EventTypes.CallCompleted ? EventTypes.CallEnded : type;

    public static System.Text.Json.Nodes.JsonObject ToMessage(PlatformEvent e)
    {
        var payload = e.ToPayload();
        payload["type"] = LiveType(e.Type);
        return payload;
    }
}

public static class RealtimeFeature
{
    public static IServiceCollection AddRealtimeFeature(this IServiceCollection services) =>
        services.AddRealtime().AddSingleton<IEventHandler, LiveUpdatesHandler>();
}
