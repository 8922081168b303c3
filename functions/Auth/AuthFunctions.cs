using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Auth;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Auth;

public sealed class AuthFunctions(AuthService auth, CurrentUser user)
{
    [Function("Signup"), AllowAnonymous]
    [OpenApiOperation("auth", "Create a tenant and its first user, an admin", typeof(SignupRequest), typeof(SignupResponse), 201)]
    public async Task<Created<SignupResponse>> Signup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/signup")] HttpRequest req, CancellationToken ct)
    {
        var result = await auth.SignupAsync(await RequestBody.ReadAsync<SignupRequest>(req, ct), ct);
        return TypedResults.Created("/api/auth/me", result);
    }

    [Function("Login"), AllowAnonymous]
    [OpenApiOperation("auth", "Exchange email and password for tokens (5 attempts a minute per IP and email)", typeof(LoginRequest), typeof(TokenResponse))]
    public async Task<Ok<TokenResponse>> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/login")] HttpRequest req, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<LoginRequest>(req, ct);
        return TypedResults.Ok(await auth.LoginAsync(body, ClientIp.Of(req.HttpContext), ct));
    }

    [Function("Refresh"), AllowAnonymous]
    [OpenApiOperation("auth", "Rotate a refresh token; reusing an old one revokes its family", typeof(RefreshRequest), typeof(TokenResponse))]
    public async Task<Ok<TokenResponse>> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/refresh")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await auth.RefreshAsync(await RequestBody.ReadAsync<RefreshRequest>(req, ct), ct));

    [Function("Logout"), AllowAnonymous]
    [OpenApiOperation("auth", "Revoke a refresh token and its family", typeof(RefreshRequest), null, 204)]
    public async Task<NoContent> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout")] HttpRequest req, CancellationToken ct)
    {
        await auth.LogoutAsync(await RequestBody.ReadAsync<RefreshRequest>(req, ct), ct);
        return TypedResults.NoContent();
    }

    [Function("Me")]
    [OpenApiOperation("auth", "The signed-in user", null, typeof(MeResponse))]
    public async Task<Ok<MeResponse>> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/me")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await auth.MeAsync(user, ct));
}

public static class AuthFeature
{
    public static IServiceCollection AddAuthFeature(this IServiceCollection services) =>
        services.AddSingleton<LoginRateLimiter>().AddScoped<AuthService>();
}
