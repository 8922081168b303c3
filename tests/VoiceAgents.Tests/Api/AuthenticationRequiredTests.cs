using System.Net.Http.Headers;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>The resource endpoints answer a request without a valid bearer token with a 401 problem and a Bearer challenge.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthenticationRequiredTests(ApiFixture api)
{
    private const string SomeId = "0123456789abcdef01234567";

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "agents" },
        { "POST", "agents" },
        { "GET", $"agents/{SomeId}" },
        { "PUT", $"agents/{SomeId}" },
        { "DELETE", $"agents/{SomeId}" },
        { "GET", "campaigns" },
        { "POST", "campaigns" },
        { "GET", $"campaigns/{SomeId}" },
        { "PUT", $"campaigns/{SomeId}" },
        { "DELETE", $"campaigns/{SomeId}" },
        { "POST", $"campaigns/{SomeId}/start" },
        { "POST", $"campaigns/{SomeId}/pause" },
        { "POST", $"campaigns/{SomeId}/resume" },
        { "POST", $"campaigns/{SomeId}/cancel" },
        { "GET", "members" },
        { "POST", "members" },
        { "PATCH", $"members/{SomeId}" },
        { "DELETE", $"members/{SomeId}" },
        { "GET", "call-logs" },
        { "GET", $"call-logs/{SomeId}" },
        { "GET", $"transcripts/{SomeId}" },
        { "GET", "analytics" },
        { "GET", "providers" },
        { "GET", "auth/me" },
    };

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        // A body that would otherwise be read: authentication must come first, so even a bad body is a 401.
        if (method is "POST" or "PUT" or "PATCH") request.Content = ApiFixture.RawJson("{");
        return request;
    }

    private static async Task AssertChallengedAsync(HttpResponseMessage response)
    {
        await Problems.AssertProblem(response, 401);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Request_without_a_token_returns_401_with_a_bearer_challenge(string method, string path)
    {
        using var client = api.Client();
        using var request = Request(method, path);
        await AssertChallengedAsync(await client.SendAsync(request));
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Request_with_a_garbage_token_returns_401(string method, string path)
    {
        using var client = api.Client("not.a.jwt");
        using var request = Request(method, path);
        await AssertChallengedAsync(await client.SendAsync(request));
    }

    [Theory]
    [InlineData("GET", "agents")]
    [InlineData("POST", $"campaigns/{SomeId}/start")]
    [InlineData("GET", "call-logs")]
    public async Task Request_with_a_tampered_token_returns_401(string method, string path)
    {
        var tenant = await api.SignupAsync("tampered");
        var parts = tenant.AccessToken.Split('.');
        var payload = parts[1].ToCharArray();
        payload[^2] = payload[^2] == 'A' ? 'B' : 'A';
        using var client = api.Client($"{parts[0]}.{new string(payload)}.{parts[2]}");
        using var request = Request(method, path);
        await AssertChallengedAsync(await client.SendAsync(request));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    public async Task Request_with_a_non_bearer_authorization_returns_401(string header)
    {
        using var client = api.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "agents");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        await AssertChallengedAsync(await client.SendAsync(request));
    }

    [Fact]
    public async Task Same_request_with_the_token_succeeds()
    {
        var tenant = await api.SignupAsync("authorized");
        using var client = api.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "agents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.AccessToken);
        await TenantSession.Read(await client.SendAsync(request), 200);
    }
}
