using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>Whatever goes wrong at the edge of the API, the answer is an RFC 9457 problem with the right status.</summary>
[Collection(ApiCollection.Name)]
public sealed class ErrorShapeTests(ApiFixture api)
{
    private const string SomeId = "0123456789abcdef01234567";

    [Theory]
    [InlineData("PATCH", "agents", "GET, POST")]
    [InlineData("DELETE", "auth/login", "POST")]
    [InlineData("GET", $"campaigns/{SomeId}/start", "POST")]
    [InlineData("POST", $"webhooks/{SomeId}", "DELETE, GET, PUT")]
    [InlineData("PUT", "health", "GET")]
    [InlineData("GET", "twilio/voice", "POST")]
    public async Task Known_route_with_the_wrong_method_returns_a_405_problem_with_allow(string method, string path, string allow)
    {
        var tenant = await api.SignupAsync("wrong-method");
        using var client = tenant.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await client.SendAsync(request);

        var problem = await Problems.AssertProblem(response, 405);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
        Assert.Contains(method, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_method_is_answered_405_before_authentication()
    {
        using var anon = api.Client();
        var response = await anon.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "agents"));
        await Problems.AssertProblem(response, 405);
    }

    [Theory]
    [InlineData("GET", "nope")]
    [InlineData("POST", "agents/x/y/z")]
    [InlineData("DELETE", "operators")]
    public async Task Unknown_route_without_a_token_returns_a_404_problem(string method, string path)
    {
        using var anon = api.Client();
        await Problems.AssertNotFound(await anon.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)));
    }

    [Theory]
    [InlineData("/api/agents/%00")]
    [InlineData("/api/agents%00")]
    [InlineData("/api/%00/nope")]
    [InlineData("/api/call-logs/ab%00cd")]
    public async Task Nul_in_the_path_returns_a_400_problem(string path)
    {
        var tenant = await api.SignupAsync("nul");
        await using var http = await RawHttp.ConnectAsync(api.BaseAddress);

        // Sent as is: HttpClient would not send a raw %00 in a path.
        await http.WriteAsync($"GET {path} HTTP/1.1\r\nHost: {api.BaseAddress.Authority}\r\nAuthorization: Bearer {tenant.AccessToken}\r\n\r\n");
        var response = await http.ReadResponseAsync(TimeSpan.FromSeconds(15));

        Assert.True(response.Status == 400, $"expected 400 but got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.MediaType);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(response.Body)!;
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Equal("Bad Request", problem["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z")]
    [InlineData("from=2024-05-01T10:00:00Z&to=2024-05-01T10:00:00Z")]
    public async Task Call_logs_with_from_not_before_to_returns_400_naming_to(string query)
    {
        var tenant = await api.SignupAsync("range");
        using var client = tenant.Client();

        var problem = await Problems.AssertProblem(await client.GetAsync($"call-logs?{query}"), 400, "to");

        Assert.Equal("must be after from.", problem["errors"]!["to"]![0]!.GetValue<string>());
    }
}
