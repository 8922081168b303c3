using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>An agent's tools, transfer destinations, silence, time zone, rules and templates through the API (production SSRF rules).</summary>
[Collection(ApiCollection.Name)]
public sealed class AgentToolsTests(ApiFixture api)
{
    private const string ToolUrl = "https://93.184.215.14/tools/book";

    private static JsonObject Agent() =>
        (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TenantSession.ValidAgent("Booker"), Core.Json.JsonDefaults.Options))!;

    private static JsonObject HttpTool(string name = "book_table") => new()
    {
        ["type"] = "http",
        ["name"] = name,
        ["description"] = "Books a table.",
        ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"party":{"type":"integer","minimum":1}},"required":["party"]}"""),
        ["url"] = ToolUrl,
        ["speak_while_running"] = "One moment while I check that.",
    };

    private static JsonObject WithTools(params JsonObject[] tools)
    {
        var agent = Agent();
        agent["tools"] = new JsonArray([.. tools]);
        return agent;
    }

    private async Task<(TenantSession Tenant, HttpClient Client)> SessionAsync()
    {
        var tenant = await api.SignupAsync("tools");
        return (tenant, tenant.Client());
    }

    [Fact]
    public async Task Http_tool_is_stored_with_defaults_and_its_secret_is_shown_only_in_the_create_answer()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(WithTools(HttpTool()))), 201);

        var tool = Assert.Single(created["tools"]!.AsArray())!;
        Assert.Equal("http", tool["type"]!.GetValue<string>());
        Assert.Equal("POST", tool["method"]!.GetValue<string>());
        Assert.Equal(5000, tool["timeout_ms"]!.GetValue<int>());
        Assert.Equal("integer", tool["parameters"]!["properties"]!["party"]!["type"]!.GetValue<string>());
        Assert.StartsWith("whsec_", tool["secret"]!.GetValue<string>(), StringComparison.Ordinal);

        var id = created["id"]!.GetValue<string>();
        var read = await TenantSession.Read(await client.GetAsync($"agents/{id}"), 200);
        Assert.Null(read["tools"]![0]!["secret"]);
        var listed = await TenantSession.Read(await client.GetAsync("agents"), 200);
        Assert.Null(listed["items"]![0]!["tools"]![0]!["secret"]);
    }

    [Fact]
    public async Task Update_that_keeps_a_tool_keeps_its_secret_and_a_tool_it_adds_gets_one_shown_once()
    {
        var (tenant, client) = await SessionAsync();
        using var _ = client;
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(WithTools(HttpTool()))), 201);
        var id = created["id"]!.GetValue<string>();
        var secret = created["tools"]![0]!["secret"]!.GetValue<string>();

        var updated = await TenantSession.Read(await client.PutAsync($"agents/{id}", ApiFixture.Json(WithTools(HttpTool(), HttpTool("find_order")))), 200);

        Assert.Null(updated["tools"]![0]!["secret"]);
        var added = updated["tools"]![1]!["secret"]!.GetValue<string>();
        Assert.NotEqual(secret, added);
        var stored = await api.Services.GetRequiredService<MongoContext>().Agents.Find(a => a.Id == id && a.TenantId == tenant.TenantId).FirstAsync();
        Assert.Equal(secret, stored.Tools[0].Secret);
        Assert.Equal(added, stored.Tools[1].Secret);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"party":{"type":"integr"}}}""")]
    [InlineData("""{"type":"object","required":"party"}""")]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""[1,2]""")]
    public async Task Tool_parameters_that_are_not_a_valid_object_schema_are_a_400_on_the_field(string schema)
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var tool = HttpTool();
        tool["parameters"] = JsonNode.Parse(schema);

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(WithTools(tool))), 400, "tools[0].parameters");
    }

    [Theory]
    [InlineData("name", "end_call")]
    [InlineData("name", "book table")]
    [InlineData("type", "grpc")]
    [InlineData("method", "TRACE")]
    [InlineData("timeout_ms", 30001)]
    [InlineData("url", "https://127.0.0.1/tools")]
    [InlineData("url", "http://93.184.215.14/tools")]
    [InlineData("url", "https://user:pass@93.184.215.14/tools")]
    public async Task Bad_tool_field_is_a_400_naming_it(string field, object value)
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var tool = HttpTool();
        tool[field] = JsonValue.Create(value);

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(WithTools(tool))), 400, $"tools[0].{field}");
    }

    [Fact]
    public async Task Two_tools_of_one_name_are_a_400()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(WithTools(HttpTool(), HttpTool()))), 400, "tools[1].name");
    }

    private static JsonObject McpTool(JsonObject headers) => new()
    {
        ["type"] = "mcp", ["name"] = "crm", ["url"] = "https://93.184.215.14/mcp", ["headers"] = headers,
    };

    [Fact]
    public async Task Mcp_tool_keeps_its_header_names_as_given_shows_their_values_masked_and_has_no_secret()
    {
        var (tenant, client) = await SessionAsync();
        using var _ = client;
        var mcp = McpTool(new JsonObject { ["Authorization"] = "Bearer abc", ["X-Tenant"] = "t1" });
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(WithTools(mcp))), 201);
        var id = created["id"]!.GetValue<string>();

        var read = await TenantSession.Read(await client.GetAsync($"agents/{id}"), 200);
        var listed = await TenantSession.Read(await client.GetAsync("agents"), 200);
        foreach (var tool in new[] { created["tools"]![0]!, read["tools"]![0]!, listed["items"]![0]!["tools"]![0]! })
        {
            Assert.Equal(["Authorization", "X-Tenant"], tool["headers"]!.AsObject().Select(h => h.Key));
            Assert.All(tool["headers"]!.AsObject(), h => Assert.Equal("********", h.Value!.GetValue<string>()));
            Assert.Null(tool["secret"]);
            Assert.Null(tool["parameters"]);
        }
        var stored = await api.Services.GetRequiredService<MongoContext>().Agents.Find(a => a.Id == id && a.TenantId == tenant.TenantId).FirstAsync();
        Assert.Equal("Bearer abc", stored.Tools[0].Headers["Authorization"]);
        Assert.Equal("t1", stored.Tools[0].Headers["X-Tenant"]);
    }

    [Fact]
    public async Task Update_that_sends_an_mcp_header_masked_null_or_empty_keeps_its_stored_value_and_a_new_value_replaces_it()
    {
        var (tenant, client) = await SessionAsync();
        using var _ = client;
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(WithTools(
            McpTool(new JsonObject { ["Authorization"] = "Bearer abc", ["X-Tenant"] = "t1", ["X-Region"] = "eu", ["X-Old"] = "gone" })))), 201);
        var id = created["id"]!.GetValue<string>();

        // The answer's headers sent back as they are (the mask), one as null, one as "", one changed; X-Old left out.
        await TenantSession.Read(await client.PutAsync($"agents/{id}", ApiFixture.Json(WithTools(
            McpTool(new JsonObject { ["authorization"] = "********", ["X-Tenant"] = null, ["X-Region"] = "", ["X-New"] = "n1" })))), 200);

        var stored = await api.Services.GetRequiredService<MongoContext>().Agents.Find(a => a.Id == id && a.TenantId == tenant.TenantId).FirstAsync();
        Assert.Equal(
            new Dictionary<string, string> { ["authorization"] = "Bearer abc", ["X-Tenant"] = "t1", ["X-Region"] = "eu", ["X-New"] = "n1" },
            stored.Tools[0].Headers.ToDictionary(h => h.Key, h => h.Value));
    }

    [Fact]
    public async Task An_mcp_header_sent_masked_with_no_stored_value_to_keep_is_a_400_naming_it()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(WithTools(McpTool(new JsonObject { ["Authorization"] = "********" })))),
            400, "tools[0].headers.Authorization");
    }

    [Fact]
    public async Task Cancel_on_barge_in_is_off_by_default_and_round_trips_on_http_and_mcp_tools()
    {
        var (tenant, client) = await SessionAsync();
        using var _ = client;
        var cancelling = HttpTool("find_order");
        cancelling["cancel_on_barge_in"] = true;
        var mcp = McpTool(new JsonObject());
        mcp["cancel_on_barge_in"] = true;
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(WithTools(HttpTool(), cancelling, mcp))), 201);
        var id = created["id"]!.GetValue<string>();

        var read = await TenantSession.Read(await client.GetAsync($"agents/{id}"), 200);
        Assert.Equal([false, true, true], read["tools"]!.AsArray().Select(t => t!["cancel_on_barge_in"]!.GetValue<bool>()));
        var stored = await api.Services.GetRequiredService<MongoContext>().Agents.Find(a => a.Id == id && a.TenantId == tenant.TenantId).FirstAsync();
        Assert.Equal([false, true, true], stored.Tools.Select(t => t.CancelOnBargeIn));
    }

    [Fact]
    public async Task Cancel_on_barge_in_that_is_not_a_boolean_is_a_400()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var tool = HttpTool();
        tool["cancel_on_barge_in"] = "yes";

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(WithTools(tool))), 400);
    }

    [Fact]
    public async Task Transfer_destinations_silence_duration_and_time_zone_round_trip()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = Agent();
        agent["transfer_destinations"] = JsonNode.Parse("""[{"name":"sales","phone_number":"+14155550111","description":"Sales desk","message":"Putting you through to sales."}]""");
        agent["silence"] = JsonNode.Parse("""{"reprompt_after_s":8,"reprompt_message":"Are you still there, {{ name | default: 'friend' }}?","hangup_after_s":20}""");
        agent["max_duration_s"] = 600;
        agent["max_duration_message"] = "We are out of time. Goodbye.";
        agent["time_zone"] = "Europe/London";
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);

        var read = await TenantSession.Read(await client.GetAsync($"agents/{created["id"]}"), 200);
        Assert.True(JsonNode.DeepEquals(created, read), $"POST returned {created.ToJsonString()} but GET returned {read.ToJsonString()}");
        Assert.Equal("+14155550111", read["transfer_destinations"]![0]!["phone_number"]!.GetValue<string>());
        Assert.Equal(20, read["silence"]!["hangup_after_s"]!.GetValue<int>());
        Assert.Equal(600, read["max_duration_s"]!.GetValue<int>());
        Assert.Equal("Europe/London", read["time_zone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Interruption_settings_round_trip_and_an_empty_backchannel_list_stays_empty()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = Agent();
        agent["interruption"] = JsonNode.Parse("""{"min_words":2,"min_duration_ms":400,"backchannels":[" sure ","uh huh"],"resume_after_ms":1500}""");
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);

        var read = await TenantSession.Read(await client.GetAsync($"agents/{created["id"]}"), 200);
        Assert.True(JsonNode.DeepEquals(created, read), $"POST returned {created.ToJsonString()} but GET returned {read.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"min_words":2,"min_duration_ms":400,"backchannels":["sure","uh huh"],"resume_after_ms":1500}"""), read["interruption"]), read["interruption"]?.ToJsonString());

        agent["interruption"] = JsonNode.Parse("""{"backchannels":[]}""");
        await TenantSession.Read(await client.PutAsync($"agents/{created["id"]}", ApiFixture.Json(agent)), 200);
        read = await TenantSession.Read(await client.GetAsync($"agents/{created["id"]}"), 200);
        Assert.Empty(read["interruption"]!["backchannels"]!.AsArray());
    }

    [Fact]
    public async Task Turn_settings_round_trip_with_the_mode_lower_cased_and_hold_words_trimmed()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = Agent();
        agent["turn"] = JsonNode.Parse("""{"mode":"Adaptive","wait_ms":1000,"short_wait_ms":250,"long_wait_ms":1400,"hold_words":[" and ","um"]}""");
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);

        var read = await TenantSession.Read(await client.GetAsync($"agents/{created["id"]}"), 200);
        Assert.True(JsonNode.DeepEquals(created, read), $"POST returned {created.ToJsonString()} but GET returned {read.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"mode":"adaptive","wait_ms":1000,"short_wait_ms":250,"long_wait_ms":1400,"hold_words":["and","um"]}"""), read["turn"]), read["turn"]?.ToJsonString());
    }

    [Theory]
    [InlineData("""{"interruption":{"min_words":11}}""", "interruption.min_words")]
    [InlineData("""{"interruption":{"min_duration_ms":-1}}""", "interruption.min_duration_ms")]
    [InlineData("""{"interruption":{"resume_after_ms":60000}}""", "interruption.resume_after_ms")]
    [InlineData("""{"interruption":{"backchannels":["okay"," "]}}""", "interruption.backchannels[1]")]
    [InlineData("""{"turn":{"mode":"psychic"}}""", "turn.mode")]
    [InlineData("""{"turn":{"mode":"fixed","wait_ms":400}}""", "turn.wait_ms")]
    [InlineData("""{"turn":{"mode":"fixed","wait_ms":3500}}""", "turn.wait_ms")]
    [InlineData("""{"turn":{"mode":"adaptive","short_wait_ms":900,"long_wait_ms":600}}""", "turn.long_wait_ms")]
    [InlineData("""{"turn":{"mode":"adaptive","hold_words":["and",""]}}""", "turn.hold_words[1]")]
    [InlineData("""{"time_zone":"Mars/Olympus"}""", "time_zone")]
    [InlineData("""{"max_duration_s":5}""", "max_duration_s")]
    [InlineData("""{"silence":{"reprompt_after_s":10,"reprompt_message":"Hello?","hangup_after_s":5}}""", "silence.hangup_after_s")]
    [InlineData("""{"silence":{"reprompt_after_s":0,"reprompt_message":"Hello?"}}""", "silence.reprompt_after_s")]
    [InlineData("""{"transfer_destinations":[{"name":"sales","phone_number":"555-0111"}]}""", "transfer_destinations[0].phone_number")]
    [InlineData("""{"transfer_destinations":[{"name":"sales","phone_number":"+14155550111"},{"name":"sales","phone_number":"+14155550112"}]}""", "transfer_destinations[1].name")]
    public async Task Bad_agent_setting_is_a_400_naming_it(string patch, string field)
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = Agent();
        foreach (var (k, v) in JsonNode.Parse(patch)!.AsObject()) agent[k] = v?.DeepClone();

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(agent)), 400, field);
    }

    [Theory]
    [InlineData("system_prompt")]
    [InlineData("first_message")]
    [InlineData("max_duration_message")]
    public async Task Liquid_template_that_does_not_parse_is_a_400_naming_the_field_and_position(string field)
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = Agent();
        agent[field] = "Hello {{ name | default: 'there' ";

        var problem = await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(agent)), 400, field);
        var message = problem["errors"]![field]![0]!.GetValue<string>();
        Assert.Contains("Liquid", message, StringComparison.Ordinal);
        Assert.Matches(@"\d", message);
    }

    [Fact]
    public async Task Rule_with_a_regex_and_a_tool_call_round_trips_with_its_argument_names_as_given()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = WithTools(HttpTool());
        agent["rules"] = JsonNode.Parse("""
            [{"match_regex":"table for (?<party>\\d+)","call":{"tool":"book_table","arguments":{"partySize":"{{ match.party }}"}},"reply":"Booked, reference {{ tool.result.reference }}."},
             {"dtmf":"1","reply":"Sales it is."}]
            """);
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);

        var rule = created["rules"]![0]!;
        Assert.Equal("table for (?<party>\\d+)", rule["match_regex"]!.GetValue<string>());
        Assert.Null(rule["match"]);
        Assert.Equal("book_table", rule["call"]!["tool"]!.GetValue<string>());
        Assert.Equal("{{ match.party }}", rule["call"]!["arguments"]!["partySize"]!.GetValue<string>());
        Assert.Equal("1", created["rules"]![1]!["dtmf"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"match_regex":"table for (?<party>\\d+","reply":"ok"}""", "rules[0].match_regex")]
    [InlineData("""{"match":"book","dtmf":"1","reply":"ok"}""", "rules[0].match")]
    [InlineData("""{"reply":"ok"}""", "rules[0].match")]
    [InlineData("""{"dtmf":"12a","reply":"ok"}""", "rules[0].dtmf")]
    [InlineData("""{"match":"book","reply":"Booked {{ tool.result.reference "}""", "rules[0].reply")]
    [InlineData("""{"match":"book","call":{"tool":"no_such_tool"},"reply":"ok"}""", "rules[0].call.tool")]
    [InlineData("""{"match":"book","call":{"tool":"transfer_call"},"reply":"ok"}""", "rules[0].call.tool")]
    [InlineData("""{"match":"book","call":{"tool":"book_table","arguments":{"party":"{% if %}"}},"reply":"ok"}""", "rules[0].call.arguments.party")]
    public async Task Bad_rule_is_a_400_naming_the_field(string rule, string field)
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = WithTools(HttpTool());
        agent["rules"] = new JsonArray(JsonNode.Parse(rule));

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(agent)), 400, field);
    }

    [Fact]
    public async Task Rule_may_call_an_mcp_servers_tool_by_its_prefixed_name_and_the_built_ins()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = WithTools(new JsonObject { ["type"] = "mcp", ["name"] = "crm", ["url"] = "https://93.184.215.14/mcp" });
        agent["transfer_destinations"] = JsonNode.Parse("""[{"name":"sales","phone_number":"+14155550111"}]""");
        agent["rules"] = JsonNode.Parse("""
            [{"match":"order","call":{"tool":"crm_find_order"},"reply":"ok"},
             {"match":"sales","call":{"tool":"transfer_call","arguments":{"destination":"sales"}},"reply":"ok"},
             {"match":"bye","call":{"tool":"end_call"},"reply":"Goodbye."}]
            """);

        await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);
    }

    [Fact]
    public async Task Preview_renders_the_stored_agents_templates_over_sample_variables_and_built_ins()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var agent = Agent();
        agent["system_prompt"] = "You call {{ name }} at {{ caller.phone_number }} for agent {{ call.agent_id }}.";
        agent["first_message"] = "Hello {{ name | default: \"there\" }}!";
        agent["time_zone"] = "Asia/Tokyo";
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(agent)), 201);
        var id = created["id"]!.GetValue<string>();

        var preview = await TenantSession.Read(await client.PostAsync($"agents/{id}/preview",
            ApiFixture.Json(new { variables = new { name = "Ada" }, phone_number = "+14155550123" })), 200);

        Assert.Equal($"You call Ada at +14155550123 for agent {id}.", preview["system_prompt"]!.GetValue<string>());
        Assert.Equal("Hello Ada!", preview["first_message"]!.GetValue<string>());
        Assert.EndsWith("+09:00", preview["variables"]!["now"]!.GetValue<string>(), StringComparison.Ordinal);
        var anonymous = await TenantSession.Read(await client.PostAsync($"agents/{id}/preview", ApiFixture.Json(new { })), 200);
        Assert.Equal("Hello there!", anonymous["first_message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preview_of_a_draft_renders_it_and_refuses_a_template_that_does_not_parse()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var draft = Agent();
        draft["first_message"] = "Hi {{ firstName }}.";

        var preview = await TenantSession.Read(await client.PostAsync("agents/preview",
            ApiFixture.Json(new JsonObject { ["agent"] = draft.DeepClone(), ["variables"] = new JsonObject { ["firstName"] = "Grace" } })), 200);
        Assert.Equal("Hi Grace.", preview["first_message"]!.GetValue<string>());
        Assert.Equal("Grace", preview["variables"]!["firstName"]!.GetValue<string>());

        draft["first_message"] = "Hi {{ firstName ";
        await Problems.AssertProblem(await client.PostAsync("agents/preview", ApiFixture.Json(new JsonObject { ["agent"] = draft })), 400, "first_message");
    }

    [Fact]
    public async Task Preview_with_too_many_variables_is_a_400()
    {
        var (_, client) = await SessionAsync();
        using var _ = client;
        var created = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(Agent())), 201);
        var variables = new JsonObject();
        for (var i = 0; i < 51; i++) variables[$"k{i}"] = "v";

        await Problems.AssertProblem(await client.PostAsync($"agents/{created["id"]}/preview", ApiFixture.Json(new JsonObject { ["variables"] = variables })), 400, "variables");
    }
}
