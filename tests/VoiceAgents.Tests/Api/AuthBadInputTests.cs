using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>
/// Every body-reading auth and members endpoint answers broken input with a problem response (400, 413 or 415),
/// never a 500.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthBadInputTests(ApiFixture api)
{
    /// <summary>Endpoint and a string field of its request body.</summary>
    public static readonly TheoryData<string, string> Endpoints = new()
    {
        { "POST auth/signup", "email" },
        { "POST auth/login", "email" },
        { "POST auth/refresh", "refresh_token" },
        { "POST auth/logout", "refresh_token" },
        { "POST members", "email" },
        { "PATCH members/{id}", "role" },
    };

    public static TheoryData<string> EndpointNames() => new(Endpoints.Select(row => (string)row[0]));

    public static TheoryData<string, string> EndpointsWithMalformedBodies()
    {
        var data = new TheoryData<string, string>();
        string[] bodies = ["{", "{\"email\": ", "not json", "{\"email\": \"a@example.com\"}}", "{'email': 'a@example.com'}", "   ", "[1, 2]", "null", "\"a string\"", "42"];
        foreach (var row in Endpoints)
        {
            foreach (var body in bodies) data.Add((string)row[0], body);
        }
        return data;
    }

    public static TheoryData<string, string, string> EndpointsWithWrongTypes()
    {
        var data = new TheoryData<string, string, string>();
        string[] values = ["5", "true", "{\"nested\": \"x\"}", "[\"a@example.com\"]"];
        foreach (var row in Endpoints)
        {
            foreach (var value in values) data.Add((string)row[0], (string)row[1], value);
        }
        return data;
    }

    // One admin for the members endpoints of the whole run; these tests never change it.
    private static readonly ConditionalWeakTable<ApiFixture, Task<TenantSession>> Admins = new();

    private async Task<HttpResponseMessage> SendAsync(string endpoint, HttpContent content)
    {
        var method = endpoint[..endpoint.IndexOf(' ')];
        var path = endpoint[(endpoint.IndexOf(' ') + 1)..];
        HttpClient client;
        if (path.StartsWith("members", StringComparison.Ordinal))
        {
            var admin = await Admins.GetValue(api, a => a.SignupAsync("bad-input"));
            client = admin.Client();
            path = path.Replace("{id}", admin.UserId, StringComparison.Ordinal);
        }
        else
        {
            client = api.Client();
        }
        using (client)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
            return await client.SendAsync(request);
        }
    }

    [Theory]
    [MemberData(nameof(EndpointsWithMalformedBodies))]
    public async Task Malformed_json_returns_400(string endpoint, string body)
    {
        var problem = await Problems.AssertProblem(await SendAsync(endpoint, ApiFixture.RawJson(body)), 400);
        Assert.NotEmpty(problem["errors"]!.AsObject());
    }

    [Theory]
    [MemberData(nameof(EndpointsWithWrongTypes))]
    public async Task Field_of_the_wrong_type_returns_400_naming_the_field(string endpoint, string field, string value)
    {
        await Problems.AssertProblem(await SendAsync(endpoint, ApiFixture.RawJson($"{{\"{field}\": {value}}}")), 400, field);
    }

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Empty_body_returns_400(string endpoint)
    {
        await Problems.AssertProblem(await SendAsync(endpoint, ApiFixture.RawJson("")), 400);
    }

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Body_without_content_type_or_content_returns_400(string endpoint)
    {
        var content = new ByteArrayContent([]);
        await Problems.AssertProblem(await SendAsync(endpoint, content), 400);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Text_plain_body_returns_415(string endpoint, string field)
    {
        var content = new StringContent($"{{\"{field}\": \"a@example.com\"}}", Encoding.UTF8, "text/plain");
        await Problems.AssertProblem(await SendAsync(endpoint, content), 415);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Form_encoded_body_returns_415(string endpoint, string field)
    {
        var content = new FormUrlEncodedContent([new(field, "a@example.com")]);
        await Problems.AssertProblem(await SendAsync(endpoint, content), 415);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Body_over_1_MiB_returns_413(string endpoint, string field)
    {
        await Problems.AssertProblem(await SendAsync(endpoint, ApiFixture.RawJson(OversizedJson(field))), 413);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Chunked_body_over_1_MiB_returns_413(string endpoint, string field)
    {
        // No Content-Length: the limit must hold while the body streams in.
        var content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(OversizedJson(field))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await Problems.AssertProblem(await SendAsync(endpoint, content), 413);
    }

    private static string OversizedJson(string field) => $"{{\"{field}\": \"{new string('a', 1024 * 1024)}\"}}";

    /// <summary>A readable stream that will not tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
