using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Usage;

public sealed class UsageFunctions(UsageService usage)
{
    [Function("GetUsage")]
    [OpenApiOperation("usage",
        "What the tenant's calls used, per UTC day: STT audio seconds, LLM tokens in and out and TTS characters by provider, call minutes by transport. "
        + "The rules responder's tokens are an estimate (characters / 4). from and to are whole UTC days (to exclusive, at most 366 days apart; "
        + "by default the 30 days up to today).",
        null, typeof(UsageResponse),
        QueryParameters = ["from:date-time:inclusive, a UTC midnight", "to:date-time:exclusive, a UTC midnight", "agent_id:id:", "campaign_id:id:"])]
    public async Task<Ok<UsageResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "usage")] HttpRequest req, CancellationToken ct)
    {
        var (from, to) = Query.Range(req);
        return TypedResults.Ok(await usage.GetAsync(UsageQuery.Of(from, to, Query.Id(req, "agent_id"), Query.Id(req, "campaign_id")), ct));
    }
}

public static class UsageFeature
{
    public static IServiceCollection AddUsageFeature(this IServiceCollection services) => services.AddScoped<UsageService>();
}
