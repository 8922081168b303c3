using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Auth;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.WebCalls;

public sealed class WebCallsFunctions(WebCallsService webCalls)
{
    [Function("CreateWebCall"), ApiKeyScope(ApiKeyScopes.Calls)]
    [OpenApiOperation("web-calls", "Get a single-use call token for a browser to call this agent with these variables; it lasts 5 minutes (a member, or an API key with the calls scope)", typeof(WebCallRequest), typeof(WebCallResponse), 201)]
    public async Task<Created<WebCallResponse>> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agents/{id}/web-calls")] HttpRequest req, string id, CancellationToken ct)
    {
        // An empty body asks for a call without variables.
        var request = req.ContentLength is 0 ? new WebCallRequest(null) : await RequestBody.ReadAsync<WebCallRequest>(req, ct);
        return TypedResults.Created((string?)null, await webCalls.CreateAsync(id, request, ct));
    }
}

public static class WebCallsFeature
{
    public static IServiceCollection AddWebCallsFeature(this IServiceCollection services)
    {
        services.AddOptions<WebCallOptions>().BindConfiguration(WebCallOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddScoped<WebCallsService>();
    }
}
