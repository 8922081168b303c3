using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Analytics;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.CallLogs;

public sealed class CallLogsFunctions(CallLogsService calls, CallLogExporter exporter)
{
    [Function("ListCallLogs")]
    [OpenApiOperation("call-logs", "List call logs, newest first, by cursor", null, typeof(Page<CallLogSummary>), QueryParameters = [
        "limit:integer:1 to 200, default 50", "cursor:string:next_cursor of the previous page", "campaign_id:id:", "agent_id:id:",
        "status:string:in_progress, completed, failed, no_answer or busy", "phone_number:string:E.164", "from:date-time:inclusive", "to:date-time:exclusive",
        "success:boolean:the analysis's success verdict (calls not judged match neither)"])]
    public async Task<Ok<Page<CallLogSummary>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "call-logs")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await calls.ListAsync(FilterFrom(req), PageRequest.From(req), ct));

    [Function("ExportCallLogs")]
    [OpenApiOperation("call-logs", "Export the call logs of the list's filters, newest first, as CSV or JSON Lines, streamed", null, null, QueryParameters = [
        "format:string:csv (default) or jsonl", "campaign_id:id:", "agent_id:id:with it, one CSV column per property of the agent's analysis schema",
        "status:string:in_progress, completed, failed, no_answer or busy", "phone_number:string:E.164", "from:date-time:inclusive", "to:date-time:exclusive",
        "success:boolean:the analysis's success verdict (calls not judged match neither)"],
        Produces = ["text/csv", "application/x-ndjson"])]
    public async Task<EmptyHttpResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "call-logs/export")] HttpRequest req, CancellationToken ct)
    {
        var format = Query.Enum<CallLogExportFormat>(req, "format") ?? CallLogExportFormat.Csv;
        // The body is written as the rows are read: bad input must be found before the first byte goes out.
        await exporter.ExportAsync(FilterFrom(req), format, req.HttpContext.Response, ct);
        return TypedResults.Empty;
    }

    [Function("GetCallLog")]
    [OpenApiOperation("call-logs", "A call's metadata, turn metrics and a recording URL valid for 15 minutes", null, typeof(CallLogDetail))]
    public async Task<Ok<CallLogDetail>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "call-logs/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await calls.GetAsync(id, ct));

    [Function("GetTranscript")]
    [OpenApiOperation("call-logs", "A call's transcript turns with timestamps", null, typeof(TranscriptResponse))]
    public async Task<Ok<TranscriptResponse>> Transcript(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "transcripts/{callId}")] HttpRequest req, string callId, CancellationToken ct) =>
        TypedResults.Ok(await calls.GetTranscriptAsync(callId, ct));

    /// <summary>The list's filters from the query string; the export takes the same ones.</summary>
    private static CallLogFilter FilterFrom(HttpRequest req)
    {
        var (from, to) = Query.Range(req);
        var filter = new CallLogFilter(
            Query.Id(req, "campaign_id"), Query.Id(req, "agent_id"), Query.Enum<CallStatus>(req, "status"), Query.String(req, "phone_number", 32), from, to,
            Query.Bool(req, "success"));
        if (filter.PhoneNumber is not null && !PhoneNumbers.IsValid(filter.PhoneNumber))
        {
            throw new ValidationException("phone_number", "must be an E.164 number such as +14155550123.");
        }
        return filter;
    }
}

public static class CallLogsFeature
{
    public static IServiceCollection AddCallLogsFeature(this IServiceCollection services) =>
        services.AddScoped<CallLogsService>().AddScoped<CallLogExporter>().AddScoped<AnalyticsService>();
}
