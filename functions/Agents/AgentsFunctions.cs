using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Agents;

public sealed class AgentsFunctions(AgentsService agents)
{
    [Function("ListAgents")]
    [OpenApiOperation("agents", "List agents, newest first", null, typeof(Page<AgentResponse>), QueryParameters = ["limit:integer:1 to 200, default 50", "cursor:string:next_cursor of the previous page"])]
    public async Task<Ok<Page<AgentResponse>>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agents")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await agents.ListAsync(PageRequest.From(req), ct));

    [Function("CreateAgent")]
    [OpenApiOperation("agents", "Create an agent", typeof(AgentRequest), typeof(AgentResponse), 201)]
    public async Task<Created<AgentResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents")] HttpRequest req, CancellationToken ct)
    {
        var agent = await agents.CreateAsync(await RequestBody.ReadAsync<AgentRequest>(req, ct), ct);
        return TypedResults.Created($"/api/agents/{agent.Id}", agent);
    }

    [Function("GetAgent")]
    [OpenApiOperation("agents", "Get an agent", null, typeof(AgentResponse))]
    public async Task<Ok<AgentResponse>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agents/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await agents.GetAsync(id, ct));

    [Function("UpdateAgent")]
    [OpenApiOperation("agents", "Replace an agent", typeof(AgentRequest), typeof(AgentResponse))]
    public async Task<Ok<AgentResponse>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "agents/{id}")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await agents.UpdateAsync(id, await RequestBody.ReadAsync<AgentRequest>(req, ct), ct));

    [Function("PreviewAgent")]
    [OpenApiOperation("agents", "Render an agent's system prompt and first message over sample variables and the built-ins (call.id, caller.phone_number, now ...)", typeof(AgentPreviewRequest), typeof(AgentPreviewResponse))]
    public async Task<Ok<AgentPreviewResponse>> Preview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{id}/preview")] HttpRequest req, string id, CancellationToken ct) =>
        TypedResults.Ok(await agents.PreviewAsync(id, await RequestBody.ReadAsync<AgentPreviewRequest>(req, ct), ct));

    [Function("PreviewDraftAgent")]
    [OpenApiOperation("agents", "Render a draft agent's (the request's agent) system prompt and first message over sample variables and the built-ins", typeof(AgentPreviewRequest), typeof(AgentPreviewResponse))]
    public async Task<Ok<AgentPreviewResponse>> PreviewDraft(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/preview")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await agents.PreviewAsync(null, await RequestBody.ReadAsync<AgentPreviewRequest>(req, ct), ct));

    [Function("DeleteAgent"), Authorize(Roles = Roles.Admin), ApiKeyScope(ApiKeyScopes.Write)]
    [OpenApiOperation("agents", "Delete an agent (admins only); 409 while a running or paused campaign uses it", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "agents/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await agents.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }
}

public static class AgentsFeature
{
    public static IServiceCollection AddAgentsFeature(this IServiceCollection services) => services.AddScoped<AgentsService>();
}
