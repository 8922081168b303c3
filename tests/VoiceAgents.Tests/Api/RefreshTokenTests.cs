using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>Refresh tokens rotate on every use; a reused one revokes its whole family; logout revokes too.</summary>
[Collection(ApiCollection.Name)]
public sealed class RefreshTokenTests(ApiFixture api)
{
    private async Task<JsonNode> RefreshOkAsync(string refreshToken) => await TenantSession.Read(await api.RefreshAsync(refreshToken), 200);

    private static string RefreshTokenOf(JsonNode tokens) => tokens["refresh_token"]!.GetValue<string>();

    [Fact]
    public async Task Refresh_returns_a_new_access_token_and_a_new_refresh_token()
    {
        var tenant = await api.SignupAsync("refresh");
        var tokens = await RefreshOkAsync(tenant.RefreshToken);

        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());
        Assert.Equal(900, tokens["expires_in"]!.GetValue<int>());
        Assert.NotEqual(tenant.RefreshToken, RefreshTokenOf(tokens));
        var me = await TenantSession.Read(await api.MeAsync(tokens["access_token"]!.GetValue<string>()), 200);
        Assert.Equal(tenant.UserId, me["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_token_cannot_be_used_twice()
    {
        var tenant = await api.SignupAsync("rotate");
        await RefreshOkAsync(tenant.RefreshToken);

        await Problems.AssertProblem(await api.RefreshAsync(tenant.RefreshToken), 401);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_newest_token_of_its_family()
    {
        var tenant = await api.SignupAsync("reuse");
        var second = RefreshTokenOf(await RefreshOkAsync(tenant.RefreshToken));
        var newest = RefreshTokenOf(await RefreshOkAsync(second));

        // A thief replays the first token: refused, and the legitimate holder's newest token dies with it.
        await Problems.AssertProblem(await api.RefreshAsync(tenant.RefreshToken), 401);
        await Problems.AssertProblem(await api.RefreshAsync(newest), 401);
    }

    [Fact]
    public async Task Reusing_a_refresh_token_leaves_other_sessions_of_the_same_user_alone()
    {
        var tenant = await api.SignupAsync("family");
        var otherSession = RefreshTokenOf(await api.LoginOkAsync(tenant.Email, tenant.Password));
        await RefreshOkAsync(tenant.RefreshToken);

        await Problems.AssertProblem(await api.RefreshAsync(tenant.RefreshToken), 401);

        await RefreshOkAsync(otherSession);
    }

    [Fact]
    public async Task Refresh_with_an_unknown_token_returns_401()
    {
        await Problems.AssertProblem(await api.RefreshAsync("not-a-token-we-ever-issued"), 401);
    }

    [Fact]
    public async Task Refresh_with_an_access_token_instead_returns_400()
    {
        var tenant = await api.SignupAsync("access-as-refresh");
        await Problems.AssertProblem(await api.RefreshAsync(tenant.AccessToken), 400, "refresh_token");
    }

    [Fact]
    public async Task Refresh_without_refresh_token_returns_400()
    {
        using var anon = api.Client();
        await Problems.AssertProblem(await anon.PostAsync("auth/refresh", ApiFixture.Json(new { })), 400, "refresh_token");
        await Problems.AssertProblem(await api.RefreshAsync(""), 400, "refresh_token");
    }

    [Fact]
    public async Task Concurrent_refreshes_of_one_token_succeed_only_once()
    {
        var tenant = await api.SignupAsync("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.RefreshAsync(tenant.RefreshToken)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token()
    {
        var tenant = await api.SignupAsync("logout");
        var response = await api.LogoutAsync(tenant.RefreshToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await Problems.AssertProblem(await api.RefreshAsync(tenant.RefreshToken), 401);
    }

    [Fact]
    public async Task Logout_with_a_rotated_token_revokes_its_whole_family()
    {
        var tenant = await api.SignupAsync("logout-family");
        var newest = RefreshTokenOf(await RefreshOkAsync(tenant.RefreshToken));

        Assert.Equal(HttpStatusCode.NoContent, (await api.LogoutAsync(newest)).StatusCode);

        await Problems.AssertProblem(await api.RefreshAsync(newest), 401);
    }

    [Fact]
    public async Task Logout_leaves_other_sessions_signed_in()
    {
        var tenant = await api.SignupAsync("logout-other");
        var otherSession = RefreshTokenOf(await api.LoginOkAsync(tenant.Email, tenant.Password));

        Assert.Equal(HttpStatusCode.NoContent, (await api.LogoutAsync(tenant.RefreshToken)).StatusCode);

        await RefreshOkAsync(otherSession);
    }

    [Fact]
    public async Task Logout_without_refresh_token_returns_400()
    {
        using var anon = api.Client();
        await Problems.AssertProblem(await anon.PostAsync("auth/logout", ApiFixture.Json(new { })), 400, "refresh_token");
    }

    [Fact]
    public async Task Logout_with_an_unknown_token_returns_204()
    {
        var response = await api.LogoutAsync("not-a-token-we-ever-issued");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
