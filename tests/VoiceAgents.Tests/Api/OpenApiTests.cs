using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Functions.Infrastructure;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed partial class OpenApiTests(ApiFixture api)
{
    [Fact]
    public async Task OpenApi_document_is_anonymous_openapi_3_json()
    {
        using var anon = api.Client();

        var response = await anon.GetAsync("openapi.json");
        var doc = await TenantSession.Read(response, 200);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("3.", doc["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(doc["info"]!["title"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(doc["info"]!["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenApi_document_lists_every_route_and_verb_the_runner_serves()
    {
        var catalog = api.Services.GetRequiredService<FunctionCatalog>();
        var paths = (await GetDocumentAsync())["paths"]!.AsObject();

        Assert.NotEmpty(catalog.Http);
        foreach (var function in catalog.Http)
        {
            var path = "/api/" + Constraint().Replace(function.Route, "{$1}");
            Assert.True(paths.ContainsKey(path), $"{path} ({function.Name}) is missing");
            foreach (var verb in function.Verbs)
            {
                var operation = paths[path]![verb.ToLowerInvariant()];
                Assert.True(operation is not null, $"{verb} {path} is missing");
                Assert.Equal(function.Name, operation["operationId"]!.GetValue<string>());
            }
        }
        Assert.Equal(catalog.Http.SelectMany(f => f.Verbs).Count(), paths.Sum(p => p.Value!.AsObject().Count));

        Assert.Equal(["delete", "get", "put"], paths["/api/agents/{id}"]!.AsObject().Select(v => v.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["post"], paths["/api/auth/login"]!.AsObject().Select(v => v.Key));
        Assert.True(paths.ContainsKey("/api/campaigns/{id}/{transition}"));
        Assert.True(paths.ContainsKey("/api/transcripts/{callId}"));
    }

    [Fact]
    public async Task OpenApi_document_describes_request_and_response_bodies_in_snake_case()
    {
        var doc = await GetDocumentAsync();
        var schemas = doc["components"]!["schemas"]!.AsObject();

        var createAgent = doc["paths"]!["/api/agents"]!["post"]!;
        Assert.Equal("#/components/schemas/AgentRequest", createAgent["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.True(createAgent["responses"]!.AsObject().ContainsKey("201"));
        var agentRequest = schemas["AgentRequest"]!["properties"]!.AsObject();
        Assert.Contains("system_prompt", agentRequest.Select(p => p.Key));
        Assert.Contains("first_message", agentRequest.Select(p => p.Key));
        Assert.Contains("fallback_line", agentRequest.Select(p => p.Key));
        Assert.DoesNotContain("SystemPrompt", agentRequest.Select(p => p.Key));

        var login = doc["paths"]!["/api/auth/login"]!["post"]!;
        var loginSchema = login["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var loginProperties = schemas[loginSchema.Split('/')[^1]]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("email", loginProperties);
        Assert.Contains("password", loginProperties);

        var callLog = schemas["CallLogDetail"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("recording_url", callLog);
        Assert.Contains("avg_voice_to_voice_ms", callLog);
        var listCallLogs = doc["paths"]!["/api/call-logs"]!["get"]!;
        var parameters = listCallLogs["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["limit", "cursor", "campaign_id", "agent_id", "status", "phone_number", "from", "to", "success"], parameters);
        Assert.Contains("analysis", callLog);

        var export = doc["paths"]!["/api/call-logs/export"]!["get"]!;
        Assert.Equal(["text/csv", "application/x-ndjson"], export["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key));
        Assert.Equal(["format", "campaign_id", "agent_id", "status", "phone_number", "from", "to", "success"], export["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpenApi_document_describes_tools_variables_transfer_silence_contacts_and_tool_turns()
    {
        var doc = await GetDocumentAsync();
        var schemas = doc["components"]!["schemas"]!.AsObject();
        static List<string> Properties(JsonNode schema) => schema["properties"]!.AsObject().Select(p => p.Key).ToList();

        var agent = schemas["AgentRequest"]!;
        Assert.Subset(Properties(agent).ToHashSet(), new HashSet<string> { "tools", "transfer_destinations", "silence", "max_duration_s", "max_duration_message", "time_zone" });
        var tool = agent["properties"]!["tools"]!["items"]!;
        Assert.Subset(Properties(tool).ToHashSet(), new HashSet<string> { "type", "name", "description", "parameters", "url", "method", "timeout_ms", "speak_while_running", "headers", "secret" });
        Assert.Equal("string", tool["properties"]!["headers"]!["additionalProperties"]!["type"]!.GetValue<string>());
        var rule = agent["properties"]!["rules"]!["items"]!;
        Assert.Subset(Properties(rule).ToHashSet(), new HashSet<string> { "match", "match_regex", "dtmf", "call", "reply" });
        Assert.Contains("contacts", Properties(schemas["CampaignRequest"]!));
        Assert.Equal("string", schemas["InboundNumberRequest"]!["properties"]!["variables"]!["additionalProperties"]!["type"]!.GetValue<string>());
        Assert.Subset(Properties(schemas["CallLogDetail"]!).ToHashSet(), new HashSet<string> { "variables", "transferred_to" });
        Assert.Contains("tool", Properties(schemas["TranscriptResponse"]!["properties"]!["turns"]!["items"]!));
        Assert.NotNull(doc["paths"]!["/api/agents/{id}/preview"]!["post"]);
        Assert.NotNull(doc["paths"]!["/api/agents/preview"]!["post"]);
    }

    [Fact]
    public async Task Protected_operations_require_a_bearer_token_and_login_does_not()
    {
        var doc = await GetDocumentAsync();
        var catalog = api.Services.GetRequiredService<FunctionCatalog>();

        var scheme = doc["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (verb, operation) in item!.AsObject())
            {
                var function = catalog.Http.Single(f => f.Name == operation!["operationId"]!.GetValue<string>());
                var security = operation!["security"];
                if (function.Anonymous)
                {
                    Assert.True(security is null, $"{verb} {path} is anonymous but asks for a token");
                }
                else
                {
                    Assert.True(security is not null, $"{verb} {path} does not ask for a token");
                    // The operator's routes take the operator key, never a member's token.
                    var expected = function.Operator ? "operator" : "bearer";
                    Assert.True(security.AsArray().Single()!.AsObject().Single().Key == expected, $"{verb} {path}: {security.ToJsonString()}");
                    Assert.True(operation["responses"]!.AsObject().ContainsKey("401"), $"{verb} {path} lists no 401");
                }
            }
        }
        Assert.Null(doc["paths"]!["/api/auth/login"]!["post"]!["security"]);
        Assert.Null(doc["paths"]!["/api/health"]!["get"]!["security"]);
        Assert.NotNull(doc["paths"]!["/api/agents/{id}"]!["delete"]!["security"]);
        Assert.NotNull(doc["paths"]!["/api/call-logs"]!["get"]!["security"]);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_operator_routes_and_each_routes_own_errors()
    {
        var doc = await GetDocumentAsync();

        var scheme = doc["components"]!["securitySchemes"]!["operator"]!;
        Assert.Equal(("http", "bearer"), (scheme["type"]!.GetValue<string>(), scheme["scheme"]!.GetValue<string>()));
        var allocate = doc["paths"]!["/api/operator/tenants/{tenantId}/numbers/{number}"]!["put"]!;
        Assert.Equal("operator", allocate["security"]![0]!.AsObject().Single().Key);
        Assert.True(allocate["responses"]!.AsObject().ContainsKey("409"));
        Assert.True(doc["paths"]!["/api/operator/tenants/{tenantId}/limits"]!["put"]!["responses"]!.AsObject().ContainsKey("401"));
        Assert.True(doc["paths"]!["/api/webhooks"]!["post"]!["responses"]!.AsObject().ContainsKey("409"));
        Assert.True(doc["paths"]!["/api/twilio/voice"]!["post"]!["responses"]!.AsObject().ContainsKey("413"));
        Assert.False(doc["paths"]!.AsObject().ContainsKey("/api/{path}"));
    }

    [Fact]
    public async Task Operations_name_the_roles_that_may_call_them_and_rate_limited_ones_their_429()
    {
        var paths = (await GetDocumentAsync())["paths"]!;
        string[] Roles(string path, string verb) => paths[path]![verb]!["x-roles"]!.AsArray().Select(r => r!.GetValue<string>()).Order().ToArray();

        Assert.Equal(["admin", "user"], Roles("/api/agents/{id}", "get"));
        Assert.Equal(["admin"], Roles("/api/agents/{id}", "delete"));
        Assert.Equal(["admin"], Roles("/api/members", "post"));
        Assert.Null(paths["/api/auth/login"]!["post"]!["x-roles"]);
        foreach (var (path, verb) in new[] { ("/api/auth/login", "post"), ("/api/auth/signup", "post"), ("/api/auth/password", "post") })
        {
            Assert.True(paths[path]![verb]!["responses"]!.AsObject().ContainsKey("429"), $"{verb} {path} lists no 429");
        }
        Assert.False(paths["/api/agents"]!["get"]!["responses"]!.AsObject().ContainsKey("429"));
    }

    [Fact]
    public async Task Schemas_give_times_as_date_time_strings_and_require_only_what_is_always_written()
    {
        var schemas = (await GetDocumentAsync())["components"]!["schemas"]!;
        var agent = schemas["AgentResponse"]!;

        Assert.Equal("string", agent["properties"]!["created_at"]!["type"]!.GetValue<string>());
        Assert.Equal("date-time", agent["properties"]!["created_at"]!["format"]!.GetValue<string>());
        var required = agent["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains("id", required);
        Assert.Contains("created_at", required);
        // Nulls are not written, so a property that may be null may also be absent.
        Assert.DoesNotContain("first_message", required);
        Assert.DoesNotContain("voicemail", required);
    }

    [Fact]
    public async Task Schemas_point_only_at_whole_components_never_inside_another_schema()
    {
        var doc = await GetDocumentAsync();
        var refs = new List<string>();
        void Collect(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                if (o["$ref"] is JsonValue r) refs.Add(r.GetValue<string>());
                foreach (var (_, child) in o) Collect(child);
            }
            else if (node is JsonArray a) foreach (var child in a) Collect(child);
        }
        Collect(doc);

        Assert.NotEmpty(refs);
        Assert.All(refs, r => Assert.Matches("^#/components/schemas/[A-Za-z]+$", r));
        // ProvidersResponse describes one provider three times (llm, stt, tts): each is the whole shape.
        var providers = doc["components"]!["schemas"]!["ProvidersResponse"]!["properties"]!;
        Assert.Equal(providers["llm"]!.ToJsonString(), providers["tts"]!.ToJsonString());
    }

    private async Task<JsonNode> GetDocumentAsync()
    {
        using var anon = api.Client();
        return await TenantSession.Read(await anon.GetAsync("openapi.json"), 200);
    }

    /// <summary>Route constraints such as <c>{transition:regex(...)}</c> are not part of an OpenAPI path.</summary>
    [GeneratedRegex(@"\{([^:}]+)(:[^}]*)?\}")]
    private static partial Regex Constraint();
}
