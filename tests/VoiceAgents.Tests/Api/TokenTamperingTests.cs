using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Auth;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// Every forged, altered or stale access token is refused with 401 on a protected endpoint. Tokens minted here with
/// core's TokenService and the runner's key are accepted, so each refusal is down to the one thing a test changed.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TokenTamperingTests(ApiFixture api)
{
    private static TokenIdentity IdentityOf(TenantSession tenant) => new(tenant.UserId, tenant.TenantId, "admin", tenant.Email);

    private async Task AssertRejected(string? token)
    {
        var response = await api.MeAsync(token);
        await Problems.AssertProblem(response, 401);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Token_minted_with_the_runners_key_is_accepted()
    {
        var tenant = await api.SignupAsync("mint");
        var token = Jwt.Issuer().CreateAccessToken(IdentityOf(tenant));

        var me = await TenantSession.Read(await api.MeAsync(token), 200);
        Assert.Equal(tenant.UserId, me["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_issued_14_minutes_ago_is_still_accepted()
    {
        var tenant = await api.SignupAsync("fresh");
        var token = Jwt.Issuer(new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-14))).CreateAccessToken(IdentityOf(tenant));

        await TenantSession.Read(await api.MeAsync(token), 200);
    }

    [Fact]
    public async Task Unsigned_token_with_alg_none_returns_401()
    {
        var tenant = await api.SignupAsync("alg-none");
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" };

        await AssertRejected($"{Jwt.Encode(header)}.{Jwt.Encode(Jwt.Payload(tenant.AccessToken))}.");
    }

    [Fact]
    public async Task Token_with_alg_none_keeping_the_original_signature_returns_401()
    {
        var tenant = await api.SignupAsync("alg-none-sig");
        var parts = tenant.AccessToken.Split('.');
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" };

        await AssertRejected($"{Jwt.Encode(header)}.{parts[1]}.{parts[2]}");
    }

    [Fact]
    public async Task Token_signed_with_a_wrong_key_returns_401()
    {
        var tenant = await api.SignupAsync("wrong-key");
        var token = Jwt.Issuer(key: "another-signing-key-0123456789-abcdefghijklm").CreateAccessToken(IdentityOf(tenant));

        await AssertRejected(token);
    }

    [Fact]
    public async Task Expired_token_returns_401()
    {
        var tenant = await api.SignupAsync("expired");
        var token = Jwt.Issuer(new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-1))).CreateAccessToken(IdentityOf(tenant));

        await AssertRejected(token);
    }

    [Fact]
    public async Task Token_that_expired_a_minute_ago_returns_401()
    {
        var tenant = await api.SignupAsync("just-expired");
        var token = Jwt.Issuer(new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-16))).CreateAccessToken(IdentityOf(tenant));

        await AssertRejected(token);
    }

    [Fact]
    public async Task Token_not_valid_until_the_future_returns_401()
    {
        var tenant = await api.SignupAsync("future");
        var token = Jwt.Issuer(new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10))).CreateAccessToken(IdentityOf(tenant));

        await AssertRejected(token);
    }

    [Fact]
    public async Task Token_for_another_audience_returns_401()
    {
        var tenant = await api.SignupAsync("audience");
        var token = Jwt.Issuer(audience: "some-other-api").CreateAccessToken(IdentityOf(tenant));

        await AssertRejected(token);
    }

    [Fact]
    public async Task Token_from_another_issuer_returns_401()
    {
        var tenant = await api.SignupAsync("issuer");
        var token = Jwt.Issuer(issuer: "someone-else").CreateAccessToken(IdentityOf(tenant));

        await AssertRejected(token);
    }

    [Fact]
    public async Task Token_with_a_modified_payload_and_the_original_signature_returns_401()
    {
        var victim = await api.SignupAsync("victim");
        var attacker = await api.SignupAsync("attacker");
        var parts = attacker.AccessToken.Split('.');
        var payload = Jwt.Payload(attacker.AccessToken);
        payload["tenant_id"] = victim.TenantId;
        payload["user_id"] = victim.UserId;
        payload["sub"] = victim.UserId;

        await AssertRejected($"{parts[0]}.{Jwt.Encode(payload)}.{parts[2]}");
    }

    [Fact]
    public async Task Token_with_an_escalated_role_and_the_original_signature_returns_401()
    {
        var tenant = await api.SignupAsync("escalate");
        using var admin = tenant.Client();
        var member = await TenantSession.Read(await admin.PostAsync("members",
            ApiFixture.Json(new { email = $"member-{Guid.NewGuid():N}@example.com", name = "Member", role = "user", password = "member-velvet-harbor-19" })), 201);
        var token = (await api.LoginOkAsync(member["email"]!.GetValue<string>(), "member-velvet-harbor-19"))["access_token"]!.GetValue<string>();
        var parts = token.Split('.');
        var payload = Jwt.Payload(token);
        payload["role"] = "admin";

        using var client = api.Client($"{parts[0]}.{Jwt.Encode(payload)}.{parts[2]}");
        await Problems.AssertProblem(await client.GetAsync("members"), 401);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMSJ9")]
    [InlineData("....")]
    public async Task Garbage_token_returns_401(string token)
    {
        await AssertRejected(token);
    }

    [Fact]
    public async Task Missing_authorization_header_returns_401()
    {
        await AssertRejected(null);
    }

    [Fact]
    public async Task Authorization_header_with_another_scheme_returns_401()
    {
        var tenant = await api.SignupAsync("scheme");
        using var client = api.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", tenant.AccessToken);

        await Problems.AssertProblem(await client.GetAsync("auth/me"), 401);
    }
}
