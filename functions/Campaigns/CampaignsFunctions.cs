using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Campaigns;

public sealed class CampaignsFunctions(CampaignsService campaigns)
{
    [Function("ListCampaigns")]
    [OpenApiOperation("campaigns", "List campaigns, newest first", null, typeof(Page<CampaignSummary>), QueryParameters = ["limit:integer:1 to 200, default 50", "cursor:string:next_cursor of the previous page", "status:string:draft, running, paused, completed or cancelled"])]
    public async Task<Ok<Page<CampaignSummary>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.ListAsync(PageRequest.From(req), Query.Enum<CampaignStatus>(req, "status"), ct));

    [Function("CreateCampaign")]
    [OpenApiOperation("campaigns", "Create a draft campaign; numbers are validated as E.164 and de-duplicated", typeof(CampaignRequest), typeof(CampaignResponse), 201)]
    public async Task<Created<CampaignResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns")] HttpRequest req, CancellationToken ct)
    {
        var campaign = await campaigns.CreateAsync(await RequestBody.ReadAsync<CampaignRequest>(req, ct), ct);
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", campaign);
    }

    [Function("GetCampaign")]
    [OpenApiOperation("campaigns", "Get a campaign with its numbers", null, typeof(CampaignResponse))]
    public async Task<Ok<CampaignResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.GetAsync(id, ct));

    [Function("UpdateCampaign")]
    [OpenApiOperation("campaigns", "Replace a campaign's name, agent and numbers", typeof(CampaignRequest), typeof(CampaignResponse))]
    public async Task<Ok<CampaignResponse>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.UpdateAsync(id, await RequestBody.ReadAsync<CampaignRequest>(req, ct), ct));

    [Function("DeleteCampaign"), Authorize(Roles = Roles.Admin), ApiKeyScope(ApiKeyScopes.Write)]
    [OpenApiOperation("campaigns", "Delete a campaign that is not running (admins only)", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "campaigns/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await campaigns.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    [Function("TransitionCampaign"), ApiKeyScope(ApiKeyScopes.Calls)]
    [OpenApiOperation("campaigns", "start, pause, resume or cancel; 409 when the current status does not allow it", null, typeof(CampaignResponse))]
    public async Task<Ok<CampaignResponse>> Transition(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{id}/{transition:regex(^(start|pause|resume|cancel)$)}")] HttpRequest req,
        string id, string transition, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.TransitionAsync(id, transition, ct));
}

public static class CampaignsFeature
{
    public static IServiceCollection AddCampaignsFeature(this IServiceCollection services) => services.AddScoped<CampaignsService>();
}
