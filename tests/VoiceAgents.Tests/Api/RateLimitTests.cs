using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;
using VoiceAgents.Tests.Auth;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// Login allows 5 attempts per fixed minute per client IP and email, counted in MongoDB. Each test logs in from
/// IPs of its own (the last X-Forwarded-For hop) so the tests never share a counter, on the throttle runner whose fake
/// clock the tests step to the start of a minute, so the attempts never straddle two windows.
/// </summary>
[Collection(ThrottleCollection.Name)]
public sealed class RateLimitTests(ThrottleFixture throttle)
{
    private const int Limit = 5;
    private readonly ApiFixture api = throttle.Proxied;

    /// <summary>The window is a calendar minute: the clock steps to the start of the next one and stays there.</summary>
    private void StartFreshWindow()
    {
        var now = throttle.Clock.GetUtcNow();
        throttle.Clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(now.Ticks % TimeSpan.TicksPerMinute));
    }

    private async Task UseUpAttemptsAsync(string email, string ip)
    {
        for (var i = 0; i < Limit; i++)
        {
            await Problems.AssertProblem(await api.LoginAsync(email, "not-the-password", ip), 401);
        }
    }

    [Fact]
    public async Task Sixth_login_attempt_in_a_minute_returns_429_with_retry_after_even_with_the_right_password()
    {
        var tenant = await api.SignupAsync("limited");
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        await UseUpAttemptsAsync(tenant.Email, ip);

        var response = await api.LoginAsync(tenant.Email, tenant.Password, ip);

        var problem = await Problems.AssertProblem(response, 429);
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()));
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds), $"Retry-After '{retryAfter}' is not whole seconds");
        // The whole window is left: the clock stands at its start.
        Assert.Equal(60, seconds);
    }

    [Fact]
    public async Task Attempts_past_the_limit_keep_returning_429()
    {
        var tenant = await api.SignupAsync("still-limited");
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        await UseUpAttemptsAsync(tenant.Email, ip);

        await Problems.AssertProblem(await api.LoginAsync(tenant.Email, "not-the-password", ip), 429);
        await Problems.AssertProblem(await api.LoginAsync(tenant.Email, tenant.Password, ip), 429);
    }

    [Fact]
    public async Task Unknown_email_is_limited_like_a_known_one()
    {
        var email = $"nobody-{Guid.NewGuid():N}@example.com";
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        await UseUpAttemptsAsync(email, ip);

        await Problems.AssertProblem(await api.LoginAsync(email, "not-the-password", ip), 429);
    }

    [Fact]
    public async Task Another_email_from_the_same_ip_is_not_limited()
    {
        var limited = await api.SignupAsync("limited");
        var other = await api.SignupAsync("other");
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        await UseUpAttemptsAsync(limited.Email, ip);
        await Problems.AssertProblem(await api.LoginAsync(limited.Email, limited.Password, ip), 429);

        await TenantSession.Read(await api.LoginAsync(other.Email, other.Password, ip), 200);
    }

    [Fact]
    public async Task Same_email_from_another_ip_is_not_limited()
    {
        var tenant = await api.SignupAsync("roaming");
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        await UseUpAttemptsAsync(tenant.Email, ip);
        await Problems.AssertProblem(await api.LoginAsync(tenant.Email, tenant.Password, ip), 429);

        await TenantSession.Read(await api.LoginAsync(tenant.Email, tenant.Password, AuthRequests.UniqueIp()), 200);
    }

    [Fact]
    public async Task Changing_earlier_forwarded_hops_does_not_escape_the_limit()
    {
        var tenant = await api.SignupAsync("spoofer");
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        for (var i = 0; i < Limit; i++)
        {
            await Problems.AssertProblem(await api.LoginAsync(tenant.Email, "not-the-password", $"192.0.2.{i}, {ip}"), 401);
        }

        await Problems.AssertProblem(await api.LoginAsync(tenant.Email, tenant.Password, $"192.0.2.99, {ip}"), 429);
    }

    [Fact]
    public async Task Email_case_and_spacing_do_not_escape_the_limit()
    {
        var tenant = await api.SignupAsync("casing");
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        await UseUpAttemptsAsync(tenant.Email, ip);

        await Problems.AssertProblem(await api.LoginAsync($" {tenant.Email.ToUpperInvariant()} ", tenant.Password, ip), 429);
    }

    [Fact]
    public async Task Attempts_are_counted_in_a_login_attempts_document_of_the_current_minute()
    {
        using var mongo = new MongoClient(LocalStack.MongoUrl);
        var attempts = mongo.GetDatabase(api.DatabaseName).GetCollection<BsonDocument>("login_attempts");
        var email = $"counted-{Guid.NewGuid():N}@example.com";
        var ip = AuthRequests.UniqueIp();
        StartFreshWindow();
        var existing = (await attempts.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync()).Select(d => d["_id"]).ToHashSet();

        var before = throttle.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 3; i++)
        {
            await Problems.AssertProblem(await api.LoginAsync(email, "not-the-password", ip), 401);
        }

        var added = (await attempts.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync()).Where(d => !existing.Contains(d["_id"])).ToList();
        var window = Assert.Single(added);
        Assert.Equal(3, window["count"].ToInt32());
        var start = window["window_start"].ToUniversalTime();
        Assert.Equal(new DateTime(before.Year, before.Month, before.Day, before.Hour, before.Minute, 0, DateTimeKind.Utc), start);
        Assert.True(window["expires_at"].ToUniversalTime() >= start.AddMinutes(1), $"expires_at {window["expires_at"]} ends before the window does");
        // The key must not reveal the email or IP to anyone reading the collection.
        Assert.DoesNotContain(email, window.ToJson(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ip, window.ToJson(), StringComparison.Ordinal);
    }
}
