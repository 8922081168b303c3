using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AgentsTests(ApiFixture api)
{
    private static JsonObject Agent(string name = "Receptionist") =>
        (JsonObject)JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TenantSession.ValidAgent(name), Core.Json.JsonDefaults.Options))!;

    private static JsonObject With(string path, JsonNode? value, string name = "Receptionist")
    {
        var agent = Agent(name);
        var parts = path.Split('.');
        var target = parts.Length == 1 ? agent : agent[parts[0]]!.AsObject();
        target[parts[^1]] = value;
        return agent;
    }

    [Fact]
    public async Task Create_returns_201_with_location_and_every_field()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        var body = Agent("Front desk");
        body["fallback_line"] = "Sorry, I did not catch that.";
        var response = await client.PostAsync("agents", ApiFixture.Json(body));
        var agent = await TenantSession.Read(response, 201);

        var id = agent["id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal($"/api/agents/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Front desk", agent["name"]!.GetValue<string>());
        Assert.Equal("You are a helpful receptionist.", agent["system_prompt"]!.GetValue<string>());
        Assert.Equal("Hello, how can I help?", agent["first_message"]!.GetValue<string>());
        Assert.Equal("en-US", agent["language"]!.GetValue<string>());
        Assert.Equal("rules", agent["llm"]!["provider"]!.GetValue<string>());
        Assert.Equal(0.2, agent["llm"]!["temperature"]!.GetValue<double>());
        Assert.Equal("local", agent["stt"]!["provider"]!.GetValue<string>());
        Assert.Equal("en-US", agent["stt"]!["language"]!.GetValue<string>());
        Assert.Equal("local", agent["tts"]!["provider"]!.GetValue<string>());
        Assert.Equal("slt", agent["tts"]!["voice"]!.GetValue<string>());
        Assert.Equal(1.0, agent["tts"]!["speed"]!.GetValue<double>());
        var rule = Assert.Single(agent["rules"]!.AsArray())!;
        Assert.Equal("book", rule["match"]!.GetValue<string>());
        Assert.Equal("Sure, what day would you like?", rule["reply"]!.GetValue<string>());
        Assert.False(rule["hang_up"]!.GetValue<bool>());
        Assert.Equal("Sorry, I did not catch that.", agent["fallback_line"]!.GetValue<string>());
        Assert.Equal(agent["created_at"]!.GetValue<DateTime>(), agent["updated_at"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task Created_agent_reads_back_exactly_as_create_returned_it()
    {
        var tenant = await api.SignupAsync("agents");
        var created = await tenant.CreateAgentAsync("Read back");
        using var client = tenant.Client();
        var read = await TenantSession.Read(await client.GetAsync($"agents/{created["id"]}"), 200);
        Assert.True(JsonNode.DeepEquals(created, read), $"POST returned {created.ToJsonString()} but GET returned {read.ToJsonString()}");
    }

    [Fact]
    public async Task Stt_language_defaults_to_the_agent_language()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        var body = Agent();
        body["stt"]!.AsObject().Remove("language");
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(body)), 201);
        Assert.Equal(agent["language"]!.GetValue<string>(), agent["stt"]!["language"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_replaces_the_agent_and_moves_updated_at_only()
    {
        var tenant = await api.SignupAsync("agents");
        var created = await tenant.CreateAgentAsync("Before");
        var id = created["id"]!.GetValue<string>();
        using var client = tenant.Client();

        var replacement = Agent("After");
        replacement["llm"] = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o-mini", ["temperature"] = 0.7 };
        replacement["tts"] = new JsonObject { ["provider"] = "cartesia", ["voice"] = "a0e99841-438c-4a64-b679-ae501e7d6091", ["speed"] = 1.25 };
        replacement["rules"] = new JsonArray();
        var updated = await TenantSession.Read(await client.PutAsync($"agents/{id}", ApiFixture.Json(replacement)), 200);

        Assert.Equal(id, updated["id"]!.GetValue<string>());
        Assert.Equal("After", updated["name"]!.GetValue<string>());
        Assert.Equal("openai", updated["llm"]!["provider"]!.GetValue<string>());
        Assert.Equal("gpt-4o-mini", updated["llm"]!["model"]!.GetValue<string>());
        Assert.Equal("cartesia", updated["tts"]!["provider"]!.GetValue<string>());
        Assert.Equal(1.25, updated["tts"]!["speed"]!.GetValue<double>());
        Assert.Empty(updated["rules"]!.AsArray());
        Assert.Equal(created["created_at"]!.GetValue<DateTime>(), updated["created_at"]!.GetValue<DateTime>());
        Assert.True(updated["updated_at"]!.GetValue<DateTime>() >= created["updated_at"]!.GetValue<DateTime>());

        var read = await TenantSession.Read(await client.GetAsync($"agents/{id}"), 200);
        Assert.Equal("After", read["name"]!.GetValue<string>());
        Assert.Equal("gpt-4o-mini", read["llm"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_with_invalid_agent_returns_400_and_keeps_the_stored_agent()
    {
        var tenant = await api.SignupAsync("agents");
        var created = await tenant.CreateAgentAsync("Unchanged");
        var id = created["id"]!.GetValue<string>();
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PutAsync($"agents/{id}", ApiFixture.Json(With("llm.provider", "gpt-5000"))), 400, "llm.provider");

        var read = await TenantSession.Read(await client.GetAsync($"agents/{id}"), 200);
        Assert.Equal("Unchanged", read["name"]!.GetValue<string>());
        Assert.Equal("rules", read["llm"]!["provider"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_returns_204_and_the_agent_is_gone()
    {
        var tenant = await api.SignupAsync("agents");
        var id = (await tenant.CreateAgentAsync())["id"]!.GetValue<string>();
        using var client = tenant.Client();

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"agents/{id}")).StatusCode);
        await Problems.AssertNotFound(await client.GetAsync($"agents/{id}"));
        await Problems.AssertNotFound(await client.DeleteAsync($"agents/{id}"));
        await Problems.AssertNotFound(await client.PutAsync($"agents/{id}", ApiFixture.Json(Agent())));
    }

    [Fact]
    public async Task Unknown_agent_id_returns_404()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        await Problems.AssertNotFound(await client.GetAsync($"agents/{Core.Data.Ids.New()}"));
    }

    /// <summary>A field of a valid agent, the JSON value that makes it invalid.</summary>
    public static TheoryData<string, string> InvalidFields => new()
    {
        { "llm.provider", "\"gpt-5000\"" },
        { "llm.provider", "null" },
        { "stt.provider", "\"whisper-api\"" },
        { "tts.provider", "\"elevenlabs\"" },
        { "llm.temperature", "2.5" },
        { "llm.temperature", "-0.1" },
        { "tts.speed", "0.4" },
        { "tts.speed", "2.01" },
        { "tts.voice", "\"en-US-Neural2-F\"" },
        { "stt.language", "\"hi\"" },
        { "name", "\"\"" },
        { "name", "\"   \"" },
        { "name", $"\"{new string('n', 101)}\"" },
        { "language", "\"english please\"" },
        { "llm", "null" },
        { "stt", "null" },
        { "tts", "null" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Create_with_an_invalid_field_returns_400_naming_it(string field, string json)
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(With(field, JsonNode.Parse(json)))), 400, field);
    }

    [Fact]
    public async Task Openai_without_a_model_returns_400_for_llm_model()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        var body = With("llm", new JsonObject { ["provider"] = "openai", ["temperature"] = 0.5 });
        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(body)), 400, "llm.model");
    }

    [Fact]
    public async Task Anthropic_temperature_is_limited_to_1()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        var tooHot = With("llm", new JsonObject { ["provider"] = "anthropic", ["model"] = "claude-haiku-4-5", ["temperature"] = 1.5 });
        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(tooHot)), 400, "llm.temperature");

        var fine = With("llm", new JsonObject { ["provider"] = "anthropic", ["model"] = "claude-haiku-4-5", ["temperature"] = 1.0 });
        await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(fine)), 201);
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        var body = Agent("");
        body["llm"] = new JsonObject { ["provider"] = "openai", ["temperature"] = 3 };
        body["tts"] = new JsonObject { ["provider"] = "local", ["voice"] = "morgan-freeman", ["speed"] = 5 };
        body["rules"] = new JsonArray(new JsonObject { ["match"] = "", ["reply"] = "ok" });
        var problem = await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.Json(body)), 400);
        var errors = problem["errors"]!.AsObject();
        foreach (var field in new[] { "name", "llm.model", "llm.temperature", "tts.voice", "tts.speed", "rules[0].match" })
        {
            Assert.True(errors.ContainsKey(field), $"expected an error for '{field}' in {problem.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Tts_speed_limits_are_inclusive()
    {
        var tenant = await api.SignupAsync("agents");
        using var client = tenant.Client();
        await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(With("tts.speed", 0.5))), 201);
        await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(With("tts.speed", 2.0))), 201);
    }

    [Fact]
    public async Task Agent_used_by_a_running_or_paused_campaign_cannot_be_deleted_until_it_is_cancelled()
    {
        var tenant = await api.SignupAsync("agents");
        var agentId = (await tenant.CreateAgentAsync())["id"]!.GetValue<string>();
        var campaignId = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();
        using var client = tenant.Client();

        await TenantSession.Read(await client.PostAsync($"campaigns/{campaignId}/start", null), 200);
        await Problems.AssertProblem(await client.DeleteAsync($"agents/{agentId}"), 409);

        await TenantSession.Read(await client.PostAsync($"campaigns/{campaignId}/pause", null), 200);
        await Problems.AssertProblem(await client.DeleteAsync($"agents/{agentId}"), 409);
        await TenantSession.Read(await client.GetAsync($"agents/{agentId}"), 200);

        await TenantSession.Read(await client.PostAsync($"campaigns/{campaignId}/cancel", null), 200);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"agents/{agentId}")).StatusCode);
        await Problems.AssertNotFound(await client.GetAsync($"agents/{agentId}"));
    }

    [Fact]
    public async Task Pages_with_next_cursor_list_every_agent_once_newest_first()
    {
        var tenant = await api.SignupAsync("paging");
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add((await tenant.CreateAgentAsync($"Agent {i}"))["id"]!.GetValue<string>());
        using var client = tenant.Client();

        var seen = new List<JsonNode>();
        var pageSizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await TenantSession.Read(await client.GetAsync($"agents?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}"), 200);
            var items = page["items"]!.AsArray();
            pageSizes.Add(items.Count);
            seen.AddRange(items.Select(x => x!));
            cursor = page.AsObject().TryGetPropertyValue("next_cursor", out var next) ? next!.GetValue<string>() : null;
            Assert.True(pageSizes.Count <= 4, "paging did not end");
        }
        while (cursor is not null);

        Assert.Equal(new[] { 3, 3, 1 }, pageSizes);
        var ids = seen.Select(a => a["id"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Reverse(created), ids);
        var times = seen.Select(a => a["created_at"]!.GetValue<DateTime>()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task Default_page_holds_every_agent_without_a_cursor()
    {
        var tenant = await api.SignupAsync("paging");
        await tenant.CreateAgentAsync("One");
        await tenant.CreateAgentAsync("Two");
        using var client = tenant.Client();
        var page = await TenantSession.Read(await client.GetAsync("agents"), 200);
        Assert.Equal(new[] { "Two", "One" }, page["items"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
        Assert.False(page.AsObject().ContainsKey("next_cursor"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=MTIzOnh5eg", "cursor")]
    [InlineData("cursor=%2B%2B%2B", "cursor")]
    public async Task Bad_paging_parameters_return_400_naming_them(string query, string field)
    {
        var tenant = await api.SignupAsync("paging");
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.GetAsync($"agents?{query}"), 400, field);
    }

    [Fact]
    public async Task Limit_of_200_is_accepted()
    {
        var tenant = await api.SignupAsync("paging");
        await tenant.CreateAgentAsync();
        using var client = tenant.Client();
        var page = await TenantSession.Read(await client.GetAsync("agents?limit=200"), 200);
        Assert.Single(page["items"]!.AsArray());
    }
}
