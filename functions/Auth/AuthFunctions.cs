using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Functions.OpenApi;

namespace VoiceAgents.Functions.Auth;

public sealed class AuthFunctions(AuthService auth, CurrentUser user, ClientIpResolver clientIp)
{
    [Function("Signup"), AllowAnonymous]
    [OpenApiOperation("auth", "Create a tenant and its first user, an admin (10 signups an hour per client address; the password must not be easy to guess)",
        typeof(SignupRequest), typeof(SignupResponse), 201, RateLimited = true)]
    public async Task<Created<SignupResponse>> Signup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/signup")] HttpRequest req, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<SignupRequest>(req, ct);
        var result = await auth.SignupAsync(body, clientIp.Resolve(req.HttpContext), ct);
        return TypedResults.Created("/api/auth/me", result);
    }

    [Function("Login"), AllowAnonymous]
    [OpenApiOperation("auth", "Exchange email and password for tokens (5 attempts a minute per client address and email; 10 failures per account in 15 minutes)",
        typeof(LoginRequest), typeof(TokenResponse), RateLimited = true)]
    public async Task<Ok<TokenResponse>> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/login")] HttpRequest req, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<LoginRequest>(req, ct);
        return TypedResults.Ok(await auth.LoginAsync(body, clientIp.Resolve(req.HttpContext), ct));
    }

    [Function("ChangePassword"), MembersOnly]
    [OpenApiOperation("auth", "Change your password; every earlier access and refresh token of yours stops working, and new tokens are returned",
        typeof(ChangePasswordRequest), typeof(TokenResponse), RateLimited = true)]
    public async Task<Ok<TokenResponse>> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/password")] HttpRequest req, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ChangePasswordRequest>(req, ct);
        return TypedResults.Ok(await auth.ChangePasswordAsync(body, user, ct));
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

    [Function("Me"), MembersOnly]
    [OpenApiOperation("auth", "The signed-in user", null, typeof(MeResponse))]
    public async Task<Ok<MeResponse>> Me(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/me")] HttpRequest req, CancellationToken ct) =>
        TypedResults.Ok(await auth.MeAsync(user, ct));
}

public static class AuthFeature
{
    public static IServiceCollection AddAuthFeature(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddScoped<CurrentUser>().AddSingleton<PasswordService>()
            .AddSingleton<ClientIpResolver>().AddSingleton<AuthRateLimiter>().AddSingleton<AccountLoginLimiter>().AddScoped<AuthService>();
    }
}
