using System.Globalization;
using System.Net;
using System.Text;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Auth;

/// <summary>
/// Login and signup limits that a client cannot dodge: the address is what the trusted proxy saw (port dropped, an
/// IPv6 /64 as one), forwarding headers count for nothing without a trusted proxy, and failures are also limited per
/// account from any mix of addresses, for a window that passes. Windows are stepped on the runner's fake clock.
/// </summary>
[Collection(ThrottleCollection.Name)]
public sealed class LoginThrottlingTests(ThrottleFixture f)
{
    private const int PerAddress = 5;
    private const int PerAccount = 10;

    private static async Task<int> RetryAfterAsync(HttpResponseMessage response, int atMost)
    {
        await Problems.AssertProblem(response, 429);
        var header = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds), $"Retry-After '{header}' is not whole seconds");
        Assert.InRange(seconds, 1, atMost);
        return seconds;
    }

    [Fact]
    public async Task Rotating_the_port_of_a_forwarded_ipv4_address_does_not_escape_the_address_limit()
    {
        var tenant = await f.Proxied.SignupAsync("port-v4");
        var ip = AuthRequests.UniqueIp();
        for (var i = 0; i < PerAddress; i++)
        {
            await Problems.AssertProblem(await f.Proxied.LoginAsync(tenant.Email, "not-the-password", $"{ip}:{40000 + i}"), 401);
        }

        await RetryAfterAsync(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, $"{ip}:50000"), 60);
        await RetryAfterAsync(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, ip), 60);
    }

    [Fact]
    public async Task Rotating_ports_and_host_bits_of_an_ipv6_64_does_not_escape_the_address_limit()
    {
        var tenant = await f.Proxied.SignupAsync("port-v6");
        var prefix = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        for (var i = 0; i < PerAddress; i++)
        {
            var hop = i % 2 == 0 ? $"[{prefix}::{i + 1:x}]:{40000 + i}" : $"{prefix}:{i:x}:0:0:{i + 7:x}";
            await Problems.AssertProblem(await f.Proxied.LoginAsync(tenant.Email, "not-the-password", hop), 401);
        }

        await RetryAfterAsync(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, $"[{prefix}::beef]:1"), 60);
        // Another /64 is another client.
        await TenantSession.Read(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, $"[2001:db8:ffff:{Random.Shared.Next(1, 0xffff):x}::1]:2"), 200);
    }

    [Fact]
    public async Task Without_a_trusted_proxy_every_forwarding_header_is_ignored()
    {
        var tenant = await f.Direct.SignupAsync("direct");
        for (var i = 0; i < PerAddress; i++)
        {
            await Problems.AssertProblem(await f.Direct.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp()), 401);
        }

        // Each attempt claimed another address; all came from 127.0.0.1, which is what counts.
        await RetryAfterAsync(await f.Direct.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 60);
    }

    [Fact]
    public async Task Eleventh_failed_login_for_an_account_from_any_mix_of_addresses_returns_429_with_retry_after()
    {
        var tenant = await f.Proxied.SignupAsync("spray");
        for (var i = 0; i < PerAccount; i++)
        {
            await Problems.AssertProblem(await f.Proxied.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp()), 401);
        }

        var response = await f.Proxied.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp());
        await RetryAfterAsync(response, 15 * 60);
        var problem = await Problems.AssertProblem(response, 429);
        Assert.Contains("account", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_that_hit_the_limit_is_free_again_as_its_failures_leave_the_15_minute_window()
    {
        var tenant = await f.Proxied.SignupAsync("window");
        for (var i = 0; i < PerAccount; i++)
        {
            await Problems.AssertProblem(await f.Proxied.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp()), 401);
            f.Clock.Advance(TimeSpan.FromSeconds(30));
        }
        // The first failure was 5 minutes ago: it leaves the window in 10.
        var first = await RetryAfterAsync(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 10 * 60);

        f.Clock.Advance(TimeSpan.FromMinutes(9));
        var later = await RetryAfterAsync(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 60);
        Assert.True(later < first, $"Retry-After did not shrink: {first} then {later}");

        f.Clock.Advance(TimeSpan.FromSeconds(later));
        await TenantSession.Read(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 200);
    }

    [Fact]
    public async Task Right_passwords_do_not_count_as_failures()
    {
        var tenant = await f.Proxied.SignupAsync("mixed");
        for (var i = 0; i < PerAccount - 1; i++)
        {
            await Problems.AssertProblem(await f.Proxied.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp()), 401);
        }
        for (var i = 0; i < 5; i++)
        {
            await TenantSession.Read(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 200);
        }

        await Problems.AssertProblem(await f.Proxied.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp()), 401);
        await RetryAfterAsync(await f.Proxied.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 15 * 60);
    }

    [Fact]
    public async Task Parallel_wrong_guesses_from_many_addresses_get_no_more_than_the_account_limit()
    {
        var tenant = await f.Proxied.SignupAsync("parallel");

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => f.Proxied.LoginAsync(tenant.Email, "not-the-password", AuthRequests.UniqueIp())));

        Assert.Equal(PerAccount, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(30 - PerAccount, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Look_alike_spellings_of_an_email_count_as_one_account()
    {
        var email = $"élodie-{Guid.NewGuid():N}@example.com";
        await TenantSession.Read(await SignupAsync(f.Proxied, email, AuthRequests.UniqueIp()), 201);
        string[] spellings = [email.Normalize(NormalizationForm.FormD), email.ToUpperInvariant(), email.ToUpperInvariant().Normalize(NormalizationForm.FormD), $"  {email}  "];
        for (var i = 0; i < PerAccount; i++)
        {
            await Problems.AssertProblem(await f.Proxied.LoginAsync(spellings[i % spellings.Length], "not-the-password", AuthRequests.UniqueIp()), 401);
        }

        await RetryAfterAsync(await f.Proxied.LoginAsync(email, ApiPassword, AuthRequests.UniqueIp()), 15 * 60);
    }

    [Fact]
    public async Task Signups_from_one_address_are_limited_to_10_an_hour()
    {
        var ip = AuthRequests.UniqueIp();
        for (var i = 0; i < 10; i++)
        {
            await TenantSession.Read(await SignupAsync(f.Proxied, $"burst-{Guid.NewGuid():N}@example.com", ip), 201);
        }
        // Malformed signups are refused before they are counted, and the 11th well-formed one is limited.
        await Problems.AssertProblem(await SignupAsync(f.Proxied, "not-an-email", ip), 400, "email");
        var limited = await SignupAsync(f.Proxied, $"burst-{Guid.NewGuid():N}@example.com", ip);
        await RetryAfterAsync(limited, 60 * 60);
        Assert.Contains("signups", (await Problems.AssertProblem(limited, 429))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        await TenantSession.Read(await SignupAsync(f.Proxied, $"burst-{Guid.NewGuid():N}@example.com", AuthRequests.UniqueIp()), 201);
        f.Clock.Advance(TimeSpan.FromHours(1));
        await TenantSession.Read(await SignupAsync(f.Proxied, $"burst-{Guid.NewGuid():N}@example.com", ip), 201);
    }

    private const string ApiPassword = "correct-horse-battery";

    private static Task<HttpResponseMessage> SignupAsync(ApiFixture api, string email, string forwardedFor) =>
        api.PostSignupAsync(new { email, password = ApiPassword, name = "Élodie", organization = "Throttled" }, forwardedFor);
}
