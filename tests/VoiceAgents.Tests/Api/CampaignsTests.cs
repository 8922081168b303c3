using System.Net;
using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CampaignsTests(ApiFixture api)
{
    private static object Campaign(string agentId, IEnumerable<string?> numbers, string name = "Spring promo") =>
        new { name, agent_id = agentId, phone_numbers = numbers.ToArray() };

    private static List<string> Numbers(JsonNode campaign) =>
        campaign["phone_numbers"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private static IEnumerable<string> Distinct(int count) => Enumerable.Range(0, count).Select(i => $"+1415{i:D7}");

    private async Task<(TenantSession Tenant, string AgentId)> TenantWithAgentAsync()
    {
        var tenant = await api.SignupAsync("campaigns");
        return (tenant, (await tenant.CreateAgentAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_returns_a_draft_campaign_with_location()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        var response = await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, ["+14155550100", "+442079460958"])));
        var campaign = await TenantSession.Read(response, 201);

        var id = campaign["id"]!.GetValue<string>();
        Assert.Equal($"/api/campaigns/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Spring promo", campaign["name"]!.GetValue<string>());
        Assert.Equal(agentId, campaign["agent_id"]!.GetValue<string>());
        Assert.Equal("draft", campaign["status"]!.GetValue<string>());
        Assert.Equal(new[] { "+14155550100", "+442079460958" }, Numbers(campaign));

        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal("draft", read["status"]!.GetValue<string>());
        Assert.Equal(Numbers(campaign), Numbers(read));
    }

    [Fact]
    public async Task Numbers_are_normalized_and_deduplicated_in_order()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        string[] numbers = ["+1 415-555-0100", "+44 20 7946 0958", "+14155550100", " +1 (415) 555-0101 ", "+44-20-7946-0958", "+1.415.555.0101"];
        var campaign = await TenantSession.Read(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, numbers))), 201);
        Assert.Equal(new[] { "+14155550100", "+442079460958", "+14155550101" }, Numbers(campaign));
    }

    [Fact]
    public async Task Invalid_numbers_are_reported_by_their_index()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        string?[] numbers = ["+14155550100", "+14155550101", "0800 FLOWERS", "+14155550102", "4155550103", null, "+0123456789", "+1415555010012345678"];
        var problem = await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, numbers))), 400, "phone_numbers[2]");
        var errors = problem["errors"]!.AsObject();
        foreach (var bad in new[] { 2, 4, 5, 6, 7 }) Assert.True(errors.ContainsKey($"phone_numbers[{bad}]"), $"expected phone_numbers[{bad}] in {problem.ToJsonString()}");
        foreach (var good in new[] { 0, 1, 3 }) Assert.False(errors.ContainsKey($"phone_numbers[{good}]"), $"phone_numbers[{good}] is valid: {problem.ToJsonString()}");
    }

    [Fact]
    public async Task Ten_thousand_distinct_numbers_are_accepted()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        var campaign = await TenantSession.Read(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, Distinct(10_000)))), 201);
        Assert.Equal(10_000, campaign["phone_numbers"]!.AsArray().Count);
    }

    [Fact]
    public async Task Ten_thousand_and_one_distinct_numbers_return_400()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, Distinct(10_001)))), 400, "phone_numbers");
    }

    [Fact]
    public async Task Duplicates_do_not_count_toward_the_limit()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        var numbers = Distinct(10_000).Concat(Distinct(50).Select(n => n.Insert(2, " ")));
        var campaign = await TenantSession.Read(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, numbers))), 201);
        Assert.Equal(10_000, campaign["phone_numbers"]!.AsArray().Count);
    }

    [Fact]
    public async Task Agent_of_another_tenant_returns_400_for_agent_id()
    {
        var (_, foreignAgent) = await TenantWithAgentAsync();
        var (tenant, _) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(foreignAgent, ["+14155550100"]))), 400, "agent_id");
    }

    [Theory]
    [InlineData("000000000000000000000000")]
    [InlineData("not-an-agent")]
    [InlineData("")]
    public async Task Unknown_or_malformed_agent_id_returns_400_for_agent_id(string agentId)
    {
        var (tenant, _) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, ["+14155550100"]))), 400, "agent_id");
    }

    [Fact]
    public async Task Missing_name_returns_400_for_name()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(new { agent_id = agentId, phone_numbers = new[] { "+14155550100" } })), 400, "name");
    }

    [Fact]
    public async Task List_shows_summaries_newest_first_and_filters_by_status()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        var first = await tenant.CreateCampaignAsync(agentId, "+14155550100", "+14155550101");
        var second = await tenant.CreateCampaignAsync(agentId, "+14155550102");
        using var client = tenant.Client();
        await TenantSession.Read(await client.PostAsync($"campaigns/{second["id"]}/start", null), 200);

        var all = await TenantSession.Read(await client.GetAsync("campaigns"), 200);
        var items = all["items"]!.AsArray();
        Assert.Equal(new[] { second["id"]!.GetValue<string>(), first["id"]!.GetValue<string>() }, items.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal(2, items[1]!["phone_number_count"]!.GetValue<int>());
        Assert.Null(items[1]!["phone_numbers"]);

        var running = await TenantSession.Read(await client.GetAsync("campaigns?status=running"), 200);
        Assert.Equal(second["id"]!.GetValue<string>(), Assert.Single(running["items"]!.AsArray())!["id"]!.GetValue<string>());
        var drafts = await TenantSession.Read(await client.GetAsync("campaigns?status=draft"), 200);
        Assert.Equal(first["id"]!.GetValue<string>(), Assert.Single(drafts["items"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_pages_with_next_cursor()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        var created = new List<string>();
        for (var i = 0; i < 3; i++) created.Add((await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>());
        using var client = tenant.Client();

        var first = await TenantSession.Read(await client.GetAsync("campaigns?limit=2"), 200);
        var second = await TenantSession.Read(await client.GetAsync($"campaigns?limit=2&cursor={first["next_cursor"]!.GetValue<string>()}"), 200);
        Assert.False(second.AsObject().ContainsKey("next_cursor"));
        var ids = first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(c => c!["id"]!.GetValue<string>());
        Assert.Equal(Enumerable.Reverse(created), ids);
    }

    [Fact]
    public async Task Put_replaces_name_agent_and_numbers()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        var otherAgent = (await tenant.CreateAgentAsync("Second agent"))["id"]!.GetValue<string>();
        var campaign = await tenant.CreateCampaignAsync(agentId, "+14155550100");
        var id = campaign["id"]!.GetValue<string>();
        using var client = tenant.Client();

        var updated = await TenantSession.Read(
            await client.PutAsync($"campaigns/{id}", ApiFixture.Json(Campaign(otherAgent, ["+442079460958", "+44 20 7946 0958"], "Summer promo"))), 200);
        Assert.Equal("Summer promo", updated["name"]!.GetValue<string>());
        Assert.Equal(otherAgent, updated["agent_id"]!.GetValue<string>());
        Assert.Equal(new[] { "+442079460958" }, Numbers(updated));
        Assert.Equal("draft", updated["status"]!.GetValue<string>());
        Assert.Equal(campaign["created_at"]!.GetValue<DateTime>(), updated["created_at"]!.GetValue<DateTime>());

        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.True(JsonNode.DeepEquals(updated, read), $"PUT returned {updated.ToJsonString()} but GET returned {read.ToJsonString()}");
    }

    [Fact]
    public async Task Put_with_invalid_numbers_returns_400_and_keeps_the_campaign()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        var id = (await tenant.CreateCampaignAsync(agentId, "+14155550100"))["id"]!.GetValue<string>();
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PutAsync($"campaigns/{id}", ApiFixture.Json(Campaign(agentId, ["+14155550100", "call me"]))), 400, "phone_numbers[1]");
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal(new[] { "+14155550100" }, Numbers(read));
    }

    [Fact]
    public async Task Put_with_an_agent_of_another_tenant_returns_400_for_agent_id()
    {
        var (_, foreignAgent) = await TenantWithAgentAsync();
        var (tenant, agentId) = await TenantWithAgentAsync();
        var id = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PutAsync($"campaigns/{id}", ApiFixture.Json(Campaign(foreignAgent, ["+14155550100"]))), 400, "agent_id");
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        Assert.Equal(agentId, read["agent_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_of_a_draft_returns_204_and_the_campaign_is_gone()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        var id = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();
        using var client = tenant.Client();

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"campaigns/{id}")).StatusCode);
        await Problems.AssertNotFound(await client.GetAsync($"campaigns/{id}"));
        await Problems.AssertNotFound(await client.DeleteAsync($"campaigns/{id}"));
    }

    [Fact]
    public async Task Unknown_campaign_id_returns_404()
    {
        var (tenant, agentId) = await TenantWithAgentAsync();
        using var client = tenant.Client();
        var unknown = Core.Data.Ids.New();
        await Problems.AssertNotFound(await client.GetAsync($"campaigns/{unknown}"));
        await Problems.AssertNotFound(await client.PutAsync($"campaigns/{unknown}", ApiFixture.Json(Campaign(agentId, ["+14155550100"]))));
        await Problems.AssertNotFound(await client.DeleteAsync($"campaigns/{unknown}"));
        await Problems.AssertNotFound(await client.PostAsync($"campaigns/{unknown}/start", null));
    }
}
