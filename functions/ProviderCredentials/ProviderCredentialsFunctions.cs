using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.ProviderCredentials;

/// <summary>The tenant's own vendor keys (BYOK). Admins only; a key is never returned, only its last four characters.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class ProviderCredentialsFunctions(ProviderCredentialsService credentials)
{
    [Function("ListProviderCredentials")]
    [OpenApiOperation("provider-credentials", "The tenant's stored vendor keys: last four characters, times and whether verified (admins only)", null, typeof(ProviderCredentialList))]
    public async Task<Ok<ProviderCredentialList>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "provider-credentials")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await credentials.ListAsync(ct));

    [Function("PutProviderCredential")]
    [OpenApiOperation("provider-credentials", "Store or replace the tenant's key for a provider; it is sealed and never returned (admins only)",
        typeof(ProviderCredentialRequest), typeof(ProviderCredentialResponse), Errors = ["503:No master key is set on this deployment"])]
    public async Task<Ok<ProviderCredentialResponse>> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "provider-credentials/{provider}")] HttpRequest req, string provider, CancellationToken ct) =>
        TypedResults.Ok(await credentials.PutAsync(provider, await RequestBody.ReadAsync<ProviderCredentialRequest>(req, ct), ct));

    [Function("DeleteProviderCredential")]
    [OpenApiOperation("provider-credentials", "Delete the tenant's key for a provider; its calls go back to the platform's key where allowed (admins only)", null, null, 204)]
    public async Task<NoContent> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "provider-credentials/{provider}")] HttpRequest req, string provider, CancellationToken ct)
    {
        await credentials.DeleteAsync(provider, ct);
        return TypedResults.NoContent();
    }
}

public static class ProviderCredentialsFeature
{
    public static IServiceCollection AddProviderCredentialsFeature(this IServiceCollection services)
    {
        services.AddSingleton<ProviderKeyVerifier>();
        services.AddScoped<ProviderCredentialsService>();
        return services;
    }
}
