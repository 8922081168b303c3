using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Context;
using VoiceAgents.Core.Auth;
using VoiceAgents.Core.Errors;
using VoiceAgents.Functions.ApiKeys;
using VoiceAgents.Functions.Auth;
using VoiceAgents.Functions.Operator;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// Validates the bearer token of HTTP functions and fills the scoped <see cref="CurrentUser"/>. Every function needs
/// a valid token unless it carries <c>[AllowAnonymous]</c>; <c>[Authorize(Roles = ...)]</c> limits it to those roles.
/// <c>[OperatorOnly]</c> functions take the operator's key instead, and never a member's token. An API key
/// (<c>va_sk_…</c>) stands in for a member's token where the function admits one (<see cref="HttpFunction.ApiKeyScope"/>)
/// and the key has that scope.
/// </summary>
public sealed class AuthenticationMiddleware(FunctionCatalog catalog, TokenService tokens, ApiKeyAuthenticator apiKeys, OperatorCredential operatorKey) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        var function = http is null ? null : catalog.FindHttp(context.FunctionDefinition.EntryPoint);
        if (http is null || function is null)
        {
            await next(context);
            return;
        }

        var header = http.Request.Headers.Authorization.ToString();
        var hasToken = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (function.Operator)
        {
            if (!operatorKey.IsConfigured) throw new RouteNotFoundException(http.Request.Method, http.Request.Path);
            if (!operatorKey.Verify(hasToken ? header[7..].Trim() : null)) throw new UnauthorizedException("The operator key is missing or wrong.");
            await next(context);
            return;
        }
        var bearer = hasToken ? header[7..].Trim() : null;
        var isApiKey = bearer is not null && ApiKeyAuthenticator.LooksLikeKey(bearer);
        var identity = bearer is null ? null : isApiKey ? await apiKeys.ValidateAsync(bearer, http.RequestAborted) : await tokens.ValidateAsync(bearer);
        if (identity is null)
        {
            if (!function.Anonymous) throw new UnauthorizedException(!hasToken ? "Authentication is required." : isApiKey ? "The API key is invalid or revoked." : "The access token is invalid or expired.");
            await next(context);
            return;
        }
        if (identity.IsApiKey)
        {
            // A route anyone may call (health, the OpenAPI document) serves a key's holder as anyone: no 403 for a valid key.
            if (function.ApiKeyScope is null && function.Anonymous)
            {
                await next(context);
                return;
            }
            if (function.ApiKeyScope is not { } scope) throw new ForbiddenException("API keys cannot be used here; this needs a member's sign-in.");
            if (!identity.Scopes!.Contains(scope)) throw new ForbiddenException($"This API key lacks the '{scope}' scope.");
        }
        else if (function.Roles.Count > 0 && !function.Roles.Contains(identity.Role))
        {
            throw new ForbiddenException();
        }

        context.InstanceServices.GetRequiredService<CurrentUser>().Set(identity);
        using (LogContext.PushProperty("tenant_id", identity.TenantId))
        using (LogContext.PushProperty("user_id", identity.UserId))
        {
            await next(context);
        }
    }
}
