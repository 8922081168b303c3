using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Operator;

/// <summary>The operator's routes: number allocation and tenant limits. Only the operator key opens them.</summary>
[OperatorOnly]
public sealed class OperatorFunctions(OperatorService service)
{
    [Function("OperatorListNumbers")]
    [OpenApiOperation("operator", "The numbers allocated to a tenant (operator only)", null, typeof(IReadOnlyList<AllocatedNumberResponse>))]
    public async Task<Ok<IReadOnlyList<AllocatedNumberResponse>>> ListNumbers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operator/tenants/{tenantId}/numbers")] HttpRequest req, string tenantId, CancellationToken ct) =>
        TypedResults.Ok(await service.ListNumbersAsync(tenantId, ct));

    [Function("OperatorAllocateNumber")]
    [OpenApiOperation("operator", "Allocate a number (E.164, URL-encoded) to a tenant, who may then map it to an agent (operator only)", null, typeof(AllocatedNumberResponse),
        Errors = ["409:The number is allocated to another tenant"])]
    public async Task<Ok<AllocatedNumberResponse>> AllocateNumber(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "operator/tenants/{tenantId}/numbers/{number}")] HttpRequest req, string tenantId, string number, CancellationToken ct) =>
        TypedResults.Ok(await service.AllocateAsync(tenantId, number, ct));

    [Function("OperatorReleaseNumber")]
    [OpenApiOperation("operator", "Take a number back from a tenant, with its mapping (operator only)", null, null, 204)]
    public async Task<NoContent> ReleaseNumber(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "operator/tenants/{tenantId}/numbers/{number}")] HttpRequest req, string tenantId, string number, CancellationToken ct)
    {
        await service.ReleaseAsync(tenantId, number, ct);
        return TypedResults.NoContent();
    }

    [Function("OperatorGetLimits")]
    [OpenApiOperation("operator", "A tenant's limits, as set and as they apply (operator only)", null, typeof(TenantLimitsResponse))]
    public async Task<Ok<TenantLimitsResponse>> GetLimits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operator/tenants/{tenantId}/limits")] HttpRequest req, string tenantId, CancellationToken ct) =>
        TypedResults.Ok(await service.GetLimitsAsync(tenantId, ct));

    [Function("OperatorSetLimits")]
    [OpenApiOperation("operator", "Set a tenant's concurrent-call cap and calls per second; null goes back to the default (operator only)", typeof(TenantLimitsRequest), typeof(TenantLimitsResponse))]
    public async Task<Ok<TenantLimitsResponse>> SetLimits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "operator/tenants/{tenantId}/limits")] HttpRequest req, string tenantId, CancellationToken ct) =>
        TypedResults.Ok(await service.SetLimitsAsync(tenantId, await RequestBody.ReadAsync<TenantLimitsRequest>(req, ct), ct));
}

public static class OperatorFeature
{
    public static IServiceCollection AddOperatorFeature(this IServiceCollection services)
    {
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.ApiKey) || o.ApiKey.Length >= OperatorOptions.MinKeyLength,
                $"Operator:ApiKey must be at least {OperatorOptions.MinKeyLength} characters (or unset, which turns the operator's routes off).")
            .ValidateOnStart();
        services.AddSingleton<OperatorCredential>();
        services.AddScoped<OperatorService>();
        return services;
    }
}
