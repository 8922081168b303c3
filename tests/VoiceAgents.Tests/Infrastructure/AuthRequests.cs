using System.Text.Json.Nodes;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>The auth endpoints as a client calls them, optionally from a given client IP (the last X-Forwarded-For hop).</summary>
public static class AuthRequests
{
    private static int _nextIp;

    /// <summary>A client IP no other test uses, so per-IP rate limits of one test never reach another.</summary>
    public static string UniqueIp()
    {
        var n = Interlocked.Increment(ref _nextIp);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    public static Task<HttpResponseMessage> LoginAsync(this ApiFixture api, string email, string password, string? forwardedFor = null) =>
        api.PostAnonymousAsync("auth/login", new { email, password }, forwardedFor);

    /// <summary>A signup from the given client address (signups are limited per address), or from a new one.</summary>
    public static Task<HttpResponseMessage> PostSignupAsync(this ApiFixture api, object body, string? forwardedFor = null) =>
        api.PostAnonymousAsync("auth/signup", body, forwardedFor ?? UniqueIp());

    public static Task<HttpResponseMessage> RefreshAsync(this ApiFixture api, string refreshToken) =>
        api.PostAnonymousAsync("auth/refresh", new { refresh_token = refreshToken });

    public static Task<HttpResponseMessage> LogoutAsync(this ApiFixture api, string refreshToken) =>
        api.PostAnonymousAsync("auth/logout", new { refresh_token = refreshToken });

    /// <summary>Logs in and returns the token response, failing the test unless it answers 200.</summary>
    public static async Task<JsonNode> LoginOkAsync(this ApiFixture api, string email, string password) =>
        await TenantSession.Read(await api.LoginAsync(email, password, UniqueIp()), 200);

    public static async Task<HttpResponseMessage> MeAsync(this ApiFixture api, string? accessToken)
    {
        using var client = api.Client(accessToken);
        return await client.GetAsync("auth/me");
    }

    private static async Task<HttpResponseMessage> PostAnonymousAsync(this ApiFixture api, string path, object body, string? forwardedFor = null)
    {
        using var client = api.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = ApiFixture.Json(body) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }
}
