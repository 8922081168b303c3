using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    private static object SignupBody(string email, string password = "correct-horse-battery") =>
        new { email, password, name = "Ada Lovelace", organization = "Analytical Engines" };

    private static string NewEmail(string label = "auth") => $"{label}-{Guid.NewGuid():N}@example.com";

    private Task<HttpResponseMessage> SignupAsync(object body) => api.PostSignupAsync(body);

    [Fact]
    public async Task Signup_creates_an_admin_who_can_log_in_and_read_me()
    {
        var tenant = await api.SignupAsync("auth");
        using var anon = api.Client();
        var login = await TenantSession.Read(await anon.PostAsync("auth/login", ApiFixture.Json(new { email = tenant.Email, password = tenant.Password })), 200);
        Assert.Equal("Bearer", login["token_type"]!.GetValue<string>());
        Assert.Equal(900, login["expires_in"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(login["refresh_token"]!.GetValue<string>()));

        using var client = api.Client(login["access_token"]!.GetValue<string>());
        var me = await TenantSession.Read(await client.GetAsync("auth/me"), 200);
        Assert.Equal(tenant.Email, me["email"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.Equal(tenant.TenantId, me["tenant_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Signup_returns_201_with_the_new_admin_its_tenant_and_tokens()
    {
        var email = NewEmail();
        var response = await SignupAsync(SignupBody(email));
        var body = await TenantSession.Read(response, 201);
        Assert.Equal("/api/auth/me", response.Headers.Location?.OriginalString);

        var user = body["user"]!;
        Assert.Equal(24, user["id"]!.GetValue<string>().Length);
        Assert.Equal(24, user["tenant_id"]!.GetValue<string>().Length);
        Assert.Equal(email, user["email"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", user["name"]!.GetValue<string>());
        Assert.Equal("admin", user["role"]!.GetValue<string>());
        Assert.Equal("Analytical Engines", user["organization"]!.GetValue<string>());
        Assert.Null(user["password_hash"]);
        Assert.Null(user["password"]);

        var tokens = body["tokens"]!;
        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());
        Assert.Equal(900, tokens["expires_in"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(tokens["refresh_token"]!.GetValue<string>()));
        var me = await TenantSession.Read(await api.MeAsync(tokens["access_token"]!.GetValue<string>()), 200);
        Assert.Equal(user["id"]!.GetValue<string>(), me["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_signup_creates_a_separate_tenant()
    {
        var first = await api.SignupAsync("tenant-a");
        var second = await api.SignupAsync("tenant-b");
        Assert.NotEqual(first.TenantId, second.TenantId);
    }

    [Fact]
    public async Task Signup_with_an_email_already_registered_returns_409()
    {
        var email = NewEmail();
        await TenantSession.Read(await SignupAsync(SignupBody(email)), 201);

        await Problems.AssertProblem(await SignupAsync(SignupBody(email)), 409);
    }

    [Fact]
    public async Task Concurrent_signups_with_one_email_create_one_account()
    {
        var email = NewEmail("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SignupAsync(SignupBody(email))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await Problems.AssertProblem(response, 409);
        }
    }

    [Fact]
    public async Task Signup_treats_emails_case_insensitively_for_duplicates_and_login()
    {
        var email = NewEmail();
        await TenantSession.Read(await SignupAsync(SignupBody(email)), 201);

        await Problems.AssertProblem(await SignupAsync(SignupBody(email.ToUpperInvariant())), 409);
        var login = await api.LoginAsync("  " + email.ToUpperInvariant(), "correct-horse-battery", AuthRequests.UniqueIp());
        await TenantSession.Read(login, 200);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("123456789")]
    public async Task Signup_with_a_password_under_10_characters_returns_400(string password)
    {
        var response = await SignupAsync(SignupBody(NewEmail(), password));
        var problem = await Problems.AssertProblem(response, 400, "password");
        Assert.Single(problem["errors"]!.AsObject());
    }

    [Fact]
    public async Task Signup_with_a_password_over_1024_characters_returns_400()
    {
        await Problems.AssertProblem(await SignupAsync(SignupBody(NewEmail(), new string('p', 1025))), 400, "password");
    }

    [Fact]
    public async Task Signup_accepts_a_password_of_exactly_10_characters()
    {
        await TenantSession.Read(await SignupAsync(SignupBody(NewEmail(), "kv4-rb8-zq")), 201);
    }

    [Fact]
    public async Task Signup_without_fields_returns_400_naming_each_missing_field()
    {
        var problem = await Problems.AssertProblem(await SignupAsync(new { }), 400);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["email", "name", "organization", "password"], errors.Select(e => e.Key).Order());
    }

    [Fact]
    public async Task Signup_with_blank_name_and_organization_returns_400_for_those_fields()
    {
        var problem = await Problems.AssertProblem(
            await SignupAsync(new { email = NewEmail(), password = "correct-horse-battery", name = "  ", organization = "" }), 400);
        Assert.Equal(["name", "organization"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Fact]
    public async Task Signup_with_a_name_or_organization_over_200_characters_returns_400()
    {
        var problem = await Problems.AssertProblem(
            await SignupAsync(new { email = NewEmail(), password = "correct-horse-battery", name = new string('n', 201), organization = new string('o', 201) }), 400);
        Assert.Equal(["name", "organization"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("missing-domain@")]
    [InlineData("@example.com")]
    [InlineData("two@@example.com")]
    [InlineData("spaces in@example.com")]
    [InlineData("no-dot@example")]
    public async Task Signup_with_a_malformed_email_returns_400_for_email(string email)
    {
        var problem = await Problems.AssertProblem(await SignupAsync(SignupBody(email)), 400, "email");
        Assert.Single(problem["errors"]!.AsObject());
    }

    [Fact]
    public async Task Login_returns_access_and_refresh_tokens()
    {
        var tenant = await api.SignupAsync("login");
        var login = await api.LoginOkAsync(tenant.Email, tenant.Password);

        Assert.Equal(["access_token", "expires_in", "refresh_token", "token_type"], login.AsObject().Select(p => p.Key).Order());
        Assert.Equal("Bearer", login["token_type"]!.GetValue<string>());
        Assert.Equal(900, login["expires_in"]!.GetValue<int>());
        Assert.NotEqual(tenant.RefreshToken, login["refresh_token"]!.GetValue<string>());
        await TenantSession.Read(await api.MeAsync(login["access_token"]!.GetValue<string>()), 200);
    }

    [Fact]
    public async Task Access_token_is_a_jwt_carrying_user_tenant_role_issuer_audience_and_a_15_minute_expiry()
    {
        var tenant = await api.SignupAsync("claims");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var login = await api.LoginOkAsync(tenant.Email, tenant.Password);
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = login["access_token"]!.GetValue<string>();

        Assert.Equal(3, token.Split('.').Length);
        Assert.Equal("HS256", Jwt.Header(token)["alg"]!.GetValue<string>());
        var claims = Jwt.Payload(token);
        Assert.Equal(tenant.UserId, claims["user_id"]!.GetValue<string>());
        Assert.Equal(tenant.TenantId, claims["tenant_id"]!.GetValue<string>());
        Assert.Equal("admin", claims["role"]!.GetValue<string>());
        Assert.Equal(ApiFixture.Issuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(ApiFixture.Audience, claims["aud"]!.GetValue<string>());
        var exp = claims["exp"]!.GetValue<long>();
        Assert.InRange(exp, before + 15 * 60 - 1, after + 15 * 60 + 1);
        Assert.Equal(15 * 60, exp - claims["iat"]!.GetValue<long>());
        Assert.Null(claims["password_hash"]);
    }

    [Fact]
    public async Task Login_with_wrong_password_returns_401()
    {
        var tenant = await api.SignupAsync("wrong-password");
        var response = await api.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp());
        await Problems.AssertProblem(response, 401);
    }

    [Fact]
    public async Task Login_with_wrong_password_and_with_unknown_email_answer_alike()
    {
        var tenant = await api.SignupAsync("enumeration");
        var wrongPassword = await api.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp());
        var unknownEmail = await api.LoginAsync(NewEmail("nobody"), "not-the-password", AuthRequests.UniqueIp());

        var a = await Problems.AssertProblem(wrongPassword, 401);
        var b = await Problems.AssertProblem(unknownEmail, 401);
        Assert.Equal(a.AsObject().Select(p => p.Key).Order(), b.AsObject().Select(p => p.Key).Order());
        foreach (var field in new[] { "type", "title", "status", "detail", "instance" })
        {
            Assert.Equal(a[field]?.ToJsonString(), b[field]?.ToJsonString());
        }
        Assert.Equal(wrongPassword.Headers.WwwAuthenticate.ToString(), unknownEmail.Headers.WwwAuthenticate.ToString());
        Assert.Equal(wrongPassword.Content.Headers.ContentType?.ToString(), unknownEmail.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Login_with_unknown_email_takes_about_as_long_as_with_wrong_password()
    {
        var tenant = await api.SignupAsync("timing");
        var unknown = NewEmail("nobody");
        // Warm both paths so neither pays for first-call costs.
        await api.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp());
        await api.LoginAsync(unknown, "not-the-password", AuthRequests.UniqueIp());

        var wrongPassword = new List<double>();
        var unknownEmail = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            // Interleaved, each from its own IP so the rate limit never answers instead.
            wrongPassword.Add(await TimeAsync(() => api.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp())));
            unknownEmail.Add(await TimeAsync(() => api.LoginAsync(unknown, "not-the-password", AuthRequests.UniqueIp())));
        }

        var ratio = Median(unknownEmail) / Median(wrongPassword);
        Assert.True(ratio > 0.3,
            $"unknown email median {Median(unknownEmail):F1} ms vs wrong password median {Median(wrongPassword):F1} ms (ratio {ratio:F2}): " +
            "a much faster unknown-email path lets callers find out which emails have accounts.");
    }

    [Fact]
    public async Task Login_without_email_or_password_returns_400_for_each()
    {
        using var anon = api.Client();
        var problem = await Problems.AssertProblem(await anon.PostAsync("auth/login", ApiFixture.Json(new { })), 400);
        Assert.Equal(["email", "password"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Fact]
    public async Task Me_returns_the_signed_in_user()
    {
        var tenant = await api.SignupAsync("me");
        var me = await TenantSession.Read(await api.MeAsync(tenant.AccessToken), 200);
        Assert.Equal(tenant.UserId, me["id"]!.GetValue<string>());
        Assert.Equal(tenant.Email, me["email"]!.GetValue<string>());
        Assert.Equal("Test Admin", me["name"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.Equal(tenant.TenantId, me["tenant_id"]!.GetValue<string>());
        Assert.Equal("Org me", me["organization"]!.GetValue<string>());
        Assert.Null(me["password_hash"]);
    }

    [Fact]
    public async Task Me_without_a_token_returns_401_with_a_bearer_challenge()
    {
        var response = await api.MeAsync(null);
        await Problems.AssertProblem(response, (int)HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> call)
    {
        var watch = Stopwatch.StartNew();
        using var response = await call();
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
