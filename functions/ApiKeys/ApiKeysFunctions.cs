using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.ApiKeys;

[Authorize(Roles = Roles.Admin)]
public sealed class ApiKeysFunctions(ApiKeysService keys)
{
    [Function("ListApiKeys")]
    [OpenApiOperation("api-keys", "List the organization's API keys, revoked ones included; never their secrets (admins only)", null, typeof(ApiKeyList))]
    public async Task<Ok<ApiKeyList>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api-keys")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(ct));

    [Function("CreateApiKey")]
    [OpenApiOperation("api-keys", "Create an API key with scopes read, write and/or calls; the secret is in this response only (admins only)", typeof(CreateApiKeyRequest), typeof(ApiKeyCreated), 201)]
    public async Task<Created<ApiKeyCreated>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api-keys")] HttpRequest req, CancellationToken ct)
    {
        var key = await keys.CreateAsync(await RequestBody.ReadAsync<CreateApiKeyRequest>(req, ct), ct);
        return TypedResults.Created($"/api/api-keys/{key.Id}", key);
    }

    [Function("RevokeApiKey")]
    [OpenApiOperation("api-keys", "Revoke an API key: refused everywhere within seconds (admins only)", null, null, 204)]
    public async Task<NoContent> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api-keys/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        await keys.RevokeAsync(id, ct);
        return TypedResults.NoContent();
    }
}

public static class ApiKeysFeature
{
    public static IServiceCollection AddApiKeysFeature(this IServiceCollection services) =>
        services.AddSingleton<ApiKeyAuthenticator>().AddScoped<ApiKeysService>();
}
