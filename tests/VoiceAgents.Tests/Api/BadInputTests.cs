using System.Net;
using System.Text;
using System.Text.Json;
using VoiceAgents.Core.Json;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>Every way a request can be malformed answers a 4xx problem naming what is wrong, never a 500.</summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(ApiFixture api)
{
    private const int MaxBody = 1024 * 1024;

    private sealed record World(TenantSession Tenant, string AgentId, string CampaignId, string MemberId)
    {
        public string Path(string template) => template
            .Replace("{agent}", AgentId, StringComparison.Ordinal)
            .Replace("{campaign}", CampaignId, StringComparison.Ordinal)
            .Replace("{member}", MemberId, StringComparison.Ordinal);
    }

    private static readonly SeededOnce<World> Seeded = new(async api =>
    {
        var tenant = await api.SignupAsync("bad-input");
        var agentId = (await tenant.CreateAgentAsync())["id"]!.GetValue<string>();
        var campaignId = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();
        using var client = tenant.Client();
        var member = await TenantSession.Read(await client.PostAsync("members", ApiFixture.Json(new
        {
            email = $"member-{Guid.NewGuid():N}@example.com", name = "Member", role = "user", password = "member-orchid-lantern-73",
        })), 201);
        return new World(tenant, agentId, campaignId, member["id"]!.GetValue<string>());
    });

    /// <summary>The endpoints that read a JSON body: the API's own resources and a sample of the others.</summary>
    public static TheoryData<string, string> BodyEndpoints => new()
    {
        { "POST", "agents" },
        { "PUT", "agents/{agent}" },
        { "POST", "campaigns" },
        { "PUT", "campaigns/{campaign}" },
        { "POST", "members" },
        { "PATCH", "members/{member}" },
        { "POST", "auth/signup" },
        { "POST", "auth/login" },
        { "POST", "auth/refresh" },
    };

    /// <summary>A string field of each endpoint's body, for the wrong-type case.</summary>
    private static string StringField(string route) => route.Split('/') switch
    {
        ["agents", ..] or ["campaigns", ..] => "name",
        ["members", _] => "role",
        ["members"] or ["auth", "signup"] or ["auth", "login"] => "email",
        ["auth", "refresh"] => "refresh_token",
        _ => throw new ArgumentOutOfRangeException(nameof(route)),
    };

    private async Task<HttpResponseMessage> SendAsync(string method, string route, HttpContent? content)
    {
        var w = await Seeded.GetAsync(api);
        using var client = w.Tenant.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), w.Path(route)) { Content = content };
        return await client.SendAsync(request);
    }

    public static TheoryData<string, string, string> MalformedBodies()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in BodyEndpoints)
        {
            var (method, route) = ((string)row[0], (string)row[1]);
            foreach (var body in new[] { "{", "{\"name\": }", "[]", "[{}]", "null", "\"text\"", "42", "true", "{} {}", "{\"a\":1,}", "'single': 'quotes'" })
            {
                data.Add(method, route, body);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_json_or_a_non_object_body_returns_400(string method, string route, string body)
    {
        await Problems.AssertProblem(await SendAsync(method, route, ApiFixture.RawJson(body)), 400);
    }

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task Empty_body_returns_400(string method, string route)
    {
        await Problems.AssertProblem(await SendAsync(method, route, ApiFixture.RawJson("")), 400);
        await Problems.AssertProblem(await SendAsync(method, route, null), 400);
    }

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task Wrong_type_returns_400_naming_the_field(string method, string route)
    {
        var field = StringField(route);
        await Problems.AssertProblem(await SendAsync(method, route, ApiFixture.RawJson($"{{\"{field}\": 5}}")), 400, field);
        await Problems.AssertProblem(await SendAsync(method, route, ApiFixture.RawJson($"{{\"{field}\": {{\"nested\": true}}}}")), 400, field);
        await Problems.AssertProblem(await SendAsync(method, route, ApiFixture.RawJson($"{{\"{field}\": [\"x\"]}}")), 400, field);
    }

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task Body_over_1_MiB_returns_413(string method, string route)
    {
        var body = $"{{\"{StringField(route)}\": \"{new string('x', MaxBody)}\"}}";
        await Problems.AssertProblem(await SendAsync(method, route, ApiFixture.RawJson(body)), 413);
    }

    [Fact]
    public async Task Body_over_1_MiB_without_a_content_length_returns_413()
    {
        var body = Encoding.UTF8.GetBytes($"{{\"name\": \"{new string('x', 2 * MaxBody)}\"}}");
        await Problems.AssertProblem(await SendAsync("POST", "agents", new ChunkedContent(body)), 413);
    }

    [Fact]
    public async Task Body_of_exactly_1_MiB_is_read()
    {
        var json = JsonSerializer.Serialize(TenantSession.ValidAgent("Padded"), JsonDefaults.Options);
        var padded = json[..^1] + new string(' ', MaxBody - Encoding.UTF8.GetByteCount(json)) + "}";
        Assert.Equal(MaxBody, Encoding.UTF8.GetByteCount(padded));
        var agent = await TenantSession.Read(await SendAsync("POST", "agents", ApiFixture.RawJson(padded)), 201);
        Assert.Equal("Padded", agent["name"]!.GetValue<string>());

        await Problems.AssertProblem(await SendAsync("POST", "agents", ApiFixture.RawJson(padded[..^1] + " }")), 413);
    }

    [Theory]
    [InlineData("{\"llm\": \"openai\"}", "llm")]
    [InlineData("{\"llm\": {\"provider\": \"openai\", \"temperature\": \"0.5\"}}", "llm.temperature")]
    [InlineData("{\"llm\": {\"provider\": \"openai\", \"temperature\": 1e400}}", "llm.temperature")]
    [InlineData("{\"tts\": {\"speed\": true}}", "tts.speed")]
    [InlineData("{\"rules\": {\"match\": \"hi\"}}", "rules")]
    [InlineData("{\"rules\": [{\"match\": \"hi\", \"reply\": \"hello\", \"hang_up\": \"yes\"}]}", "rules[0].hang_up")]
    [InlineData("{\"rules\": [\"hi\"]}", "rules[0]")]
    public async Task Nested_wrong_type_in_an_agent_returns_400_naming_the_path(string body, string field)
    {
        await Problems.AssertProblem(await SendAsync("POST", "agents", ApiFixture.RawJson(body)), 400, field);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"phone_numbers\": \"+14155550100\"}", "phone_numbers")]
    [InlineData("{\"name\": \"x\", \"phone_numbers\": [14155550100]}", "phone_numbers[0]")]
    [InlineData("{\"name\": \"x\", \"agent_id\": 7}", "agent_id")]
    public async Task Wrong_type_in_a_campaign_returns_400_naming_the_path(string body, string field)
    {
        await Problems.AssertProblem(await SendAsync("POST", "campaigns", ApiFixture.RawJson(body)), 400, field);
    }

    [Fact]
    public async Task Deeply_nested_json_returns_400()
    {
        var body = "{\"name\": " + new string('[', 5000) + new string(']', 5000) + "}";
        await Problems.AssertProblem(await SendAsync("POST", "agents", ApiFixture.RawJson(body)), 400);
    }

    [Fact]
    public async Task Invalid_utf8_returns_400()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"name\": \"\"}");
        var body = bytes[..10].Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(bytes[10..]).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        await Problems.AssertProblem(await SendAsync("POST", "agents", content), 400);
    }

    [Theory]
    [InlineData("POST", "agents")]
    [InlineData("PUT", "campaigns/{campaign}")]
    [InlineData("PATCH", "members/{member}")]
    public async Task Non_json_content_type_returns_415(string method, string route)
    {
        var content = new StringContent("name=Receptionist", Encoding.UTF8, "application/x-www-form-urlencoded");
        await Problems.AssertProblem(await SendAsync(method, route, content), 415);
    }

    [Theory]
    [InlineData("campaigns?status=bogus", "status")]
    [InlineData("campaigns?status=1", "status")]
    [InlineData("campaigns?status=running,paused", "status")]
    [InlineData("campaigns?status=running&status=paused", "status")]
    [InlineData("call-logs?status=bogus", "status")]
    [InlineData("call-logs?status=0", "status")]
    [InlineData("call-logs?status=completed,failed", "status")]
    [InlineData("call-logs?agent_id=nope", "agent_id")]
    [InlineData("call-logs?campaign_id=123", "campaign_id")]
    [InlineData("call-logs?from=yesterday", "from")]
    [InlineData("call-logs?to=2024-13-45", "to")]
    [InlineData("call-logs?phone_number=call-me", "phone_number")]
    [InlineData("call-logs?limit=1000", "limit")]
    [InlineData("campaigns?cursor=%%%", "cursor")]
    [InlineData("analytics?agent_id=zz", "agent_id")]
    [InlineData("analytics?from=2024-05-02&to=2024-05-01", "to")]
    [InlineData("analytics?from=not-a-date", "from")]
    public async Task Bad_query_parameter_returns_400_naming_it(string query, string parameter)
    {
        await Problems.AssertProblem(await SendAsync("GET", query, null), 400, parameter);
    }

    [Theory]
    [InlineData("campaigns?status=running")]
    [InlineData("campaigns?status=cancelled")]
    [InlineData("call-logs?status=in_progress")]
    [InlineData("call-logs?status=no_answer")]
    [InlineData("call-logs?from=2024-05-01&to=2024-05-02T00:00:00Z")]
    [InlineData("analytics?from=2024-05-01")]
    public async Task Valid_query_parameters_are_accepted(string query)
    {
        var response = await SendAsync("GET", query, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "agents/not-an-id", "id")]
    [InlineData("PUT", "agents/not-an-id", "id")]
    [InlineData("DELETE", "agents/not-an-id", "id")]
    [InlineData("GET", "agents/zzzzzzzzzzzzzzzzzzzzzzzz", "id")]
    [InlineData("GET", "agents/0123456789abcdef0123456789", "id")]
    [InlineData("GET", "campaigns/123", "id")]
    [InlineData("PUT", "campaigns/123", "id")]
    [InlineData("DELETE", "campaigns/123", "id")]
    [InlineData("POST", "campaigns/123/start", "id")]
    [InlineData("POST", "campaigns/123/cancel", "id")]
    [InlineData("PATCH", "members/abc", "id")]
    [InlineData("DELETE", "members/abc", "id")]
    [InlineData("GET", "call-logs/zz", "id")]
    [InlineData("GET", "transcripts/x", "call_id")]
    public async Task Malformed_id_returns_400(string method, string path, string field)
    {
        HttpContent? body = (method, path.Split('/')[0]) switch
        {
            ("PUT", "agents") => ApiFixture.Json(TenantSession.ValidAgent()),
            ("PUT", "campaigns") => ApiFixture.Json(new { name = "x", agent_id = (await Seeded.GetAsync(api)).AgentId, phone_numbers = new[] { "+14155550100" } }),
            ("PATCH", "members") => ApiFixture.Json(new { role = "admin" }),
            _ => null,
        };
        await Problems.AssertProblem(await SendAsync(method, path, body), 400, field);
    }

    [Theory]
    [InlineData("GET", "nope")]
    [InlineData("GET", "agents/0123456789abcdef01234567/rules")]
    [InlineData("POST", "campaigns/0123456789abcdef01234567/start/now")]
    [InlineData("GET", "../nope")]
    [InlineData("GET", "agents/0123456789abcdef01234567/deliveries")]
    public async Task Unknown_route_returns_a_404_problem(string method, string path)
    {
        await Problems.AssertNotFound(await SendAsync(method, path, null));
    }

    /// <summary>A body sent with chunked transfer encoding, so the server cannot know its size up front.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < _body.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(64 * 1024, _body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
