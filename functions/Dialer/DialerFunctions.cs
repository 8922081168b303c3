using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Telephony;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Dialer;

public sealed class DialerFunctions(DialerService dialer, MongoContext db, CurrentUser current)
{
    /// <summary>Places the calls of running campaigns. The Functions host runs one instance of a timer at a time; the
    /// claims make even two dispatchers at once safe.</summary>
    [Function("DispatchCalls")]
    public async Task Dispatch([TimerTrigger("%" + DialerOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken ct) =>
        await dialer.DispatchAsync(ct);

    [Function("CampaignProgress")]
    [OpenApiOperation("campaigns", "Numbers pending, in progress, done and failed", null, typeof(CampaignProgress))]
    public async Task<Ok<CampaignProgress>> Progress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}/progress")] HttpRequest req, string id, CancellationToken ct)
    {
        id = Ids.Parse(id);
        var campaign = await db.Campaigns.Find(c => c.Id == id && c.TenantId == current.TenantId).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Campaign");
        return TypedResults.Ok(await dialer.ProgressAsync(campaign, ct));
    }
}

public static class DialerFeature
{
    public static IServiceCollection AddDialerFeature(this IServiceCollection services)
    {
        services.AddOptions<DialerOptions>().BindConfiguration(DialerOptions.Section);
        services.AddTelephony();
        services.TryAddSingleton<ITelephonyProvider, TwilioTelephony>();
        services.AddScoped<DialerService>();
        services.AddScoped<TwilioWebhooks>();
        services.AddScoped<InboundNumbersService>();
        return services;
    }
}
