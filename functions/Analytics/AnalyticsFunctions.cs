using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Analytics;

public sealed class AnalyticsFunctions(AnalyticsService analytics)
{
    [Function("GetAnalytics")]
    [OpenApiOperation("analytics", "Totals, durations, calls per day, status counts and average voice-to-voice latency", null, typeof(AnalyticsResponse),
        QueryParameters = ["from:date-time:inclusive", "to:date-time:exclusive", "agent_id:id:", "campaign_id:id:"])]
    public async Task<Ok<AnalyticsResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "analytics")] HttpRequest req, CancellationToken ct)
    {
        var (from, to) = Query.Range(req);
        return TypedResults.Ok(await analytics.GetAsync(new AnalyticsQuery(from, to, Query.Id(req, "agent_id"), Query.Id(req, "campaign_id")), ct));
    }
}
