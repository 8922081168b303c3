using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// Answers every request no other function serves, as a problem: 405 with <c>Allow</c> when the path is a route
/// served for other methods, 404 otherwise. Its catch-all route has the lowest precedence, on the Functions host as
/// in the local runner, so every literal or parameterised route is tried first.
/// </summary>
[AllowAnonymous]
public sealed class UnmatchedRouteFunctions(RouteTable routes)
{
    public const string PathParameter = "path";

    [Function("UnmatchedRoute")]
    public IResult Unmatched(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = "{*" + PathParameter + "}")] HttpRequest req,
        FunctionContext context)
    {
        var path = context.BindingContext.BindingData.TryGetValue(PathParameter, out var value) ? value?.ToString() ?? "" : "";
        var allowed = routes.MethodsFor(path);
        if (allowed.Count > 0) throw new MethodNotAllowedException(req.Method, req.Path, allowed);
        throw new RouteNotFoundException(req.Method, req.Path);
    }
}
