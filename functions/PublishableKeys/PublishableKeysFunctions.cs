using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.PublishableKeys;

[Authorize(Roles = Roles.Admin)]
public sealed class PublishableKeysFunctions(PublishableKeysService keys)
{
    [Function("ListPublishableKeys")]
    [OpenApiOperation("publishable-keys", "List the organization's publishable keys (admins only)", null, typeof(PublishableKeyList))]
    public async Task<Ok<PublishableKeyList>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "publishable-keys")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(ct));

    [Function("CreatePublishableKey")]
    [OpenApiOperation("publishable-keys", "Create a publishable key for a web page: its agents, the origins it may be used from, and calls per minute (default 10) (admins only)", typeof(CreatePublishableKeyRequest), typeof(PublishableKeyResponse), 201)]
    public async Task<Created<PublishableKeyResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "publishable-keys")] HttpRequest req, CancellationToken ct)
    {
        var key = await keys.CreateAsync(await RequestBody.ReadAsync<CreatePublishableKeyRequest>(req, ct), ct);
        return TypedResults.Created($"/api/publishable-keys/{key.Id}", key);
    }

    [Function("DeletePublishableKey")]
    [OpenApiOperation("publishable-keys", "Delete a publishable key; calls with it are refused from then on (admins only)", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "publishable-keys/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await keys.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }
}

public static class PublishableKeysFeature
{
    public static IServiceCollection AddPublishableKeysFeature(this IServiceCollection services) => services.AddScoped<PublishableKeysService>();
}
