using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Api;

/// <summary>A campaign's <c>contacts</c>: numbers with their calls' variables, beside <c>phone_numbers</c>.</summary>
[Collection(ApiCollection.Name)]
public sealed class CampaignContactsTests(ApiFixture api)
{
    private async Task<(HttpClient Client, string AgentId)> SessionAsync()
    {
        var tenant = await api.SignupAsync("contacts");
        return (tenant.Client(), (await tenant.CreateAgentAsync())["id"]!.GetValue<string>());
    }

    private static JsonObject Campaign(string agentId, string contacts, params string[] numbers) => new()
    {
        ["name"] = "Renewals", ["agent_id"] = agentId,
        ["phone_numbers"] = new JsonArray([.. numbers.Select(n => (JsonNode)n)]),
        ["contacts"] = JsonNode.Parse(contacts),
    };

    [Fact]
    public async Task Contacts_numbers_join_the_phone_numbers_and_their_variables_read_back_with_names_as_given()
    {
        var (client, agentId) = await SessionAsync();
        using var _ = client;
        var body = Campaign(agentId, """
            [{"phone_number":"+1 415 555 0101","variables":{"firstName":"Ada","plan":"gold"}},
             {"phone_number":"+14155550100","variables":{"firstName":"Grace"}}]
            """, "+14155550100", "+14155550199");

        var created = await TenantSession.Read(await client.PostAsync("campaigns", ApiFixture.Json(body)), 201);

        Assert.Equal(["+14155550100", "+14155550199", "+14155550101"], created["phone_numbers"]!.AsArray().Select(n => n!.GetValue<string>()));
        var contacts = created["contacts"]!.AsArray();
        Assert.Equal("+14155550101", contacts[0]!["phone_number"]!.GetValue<string>());
        Assert.Equal("Ada", contacts[0]!["variables"]!["firstName"]!.GetValue<string>());
        var read = await TenantSession.Read(await client.GetAsync($"campaigns/{created["id"]}"), 200);
        Assert.True(JsonNode.DeepEquals(created, read), $"POST returned {created.ToJsonString()} but GET returned {read.ToJsonString()}");
    }

    [Fact]
    public async Task Update_replaces_the_contacts()
    {
        var (client, agentId) = await SessionAsync();
        using var _ = client;
        var created = await TenantSession.Read(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, """[{"phone_number":"+14155550101","variables":{"name":"Ada"}}]"""))), 201);

        var updated = await TenantSession.Read(await client.PutAsync($"campaigns/{created["id"]}",
            ApiFixture.Json(Campaign(agentId, """[{"phone_number":"+14155550102","variables":{"name":"Lin"}}]"""))), 200);

        Assert.Equal(["+14155550102"], updated["phone_numbers"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Lin", Assert.Single(updated["contacts"]!.AsArray())!["variables"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""[{"phone_number":"555-0101"}]""", "contacts[0].phone_number")]
    [InlineData("""[{"phone_number":"+14155550101"},{"phone_number":"+1 415 555 0101"}]""", "contacts[1].phone_number")]
    [InlineData("""[{"phone_number":"+14155550101","variables":{"name":null}}]""", "contacts[0].variables")]
    public async Task Bad_contact_is_a_400_naming_it(string contacts, string field)
    {
        var (client, agentId) = await SessionAsync();
        using var _ = client;
        await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(Campaign(agentId, contacts))), 400, field);
    }

    [Fact]
    public async Task Contact_variables_over_the_limits_are_a_400_saying_which_limit()
    {
        var (client, agentId) = await SessionAsync();
        using var _ = client;
        var many = new JsonObject();
        for (var i = 0; i < 51; i++) many[$"k{i}"] = "v";
        var big = new JsonObject { ["note"] = new string('x', 1025) };
        var body = Campaign(agentId, "[]");
        body["contacts"] = new JsonArray(
            new JsonObject { ["phone_number"] = "+14155550101", ["variables"] = many },
            new JsonObject { ["phone_number"] = "+14155550102", ["variables"] = big });

        var problem = await Problems.AssertProblem(await client.PostAsync("campaigns", ApiFixture.Json(body)), 400, "contacts[0].variables");

        Assert.Contains("50", problem["errors"]!["contacts[0].variables"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("1024 bytes", problem["errors"]!["contacts[1].variables"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_not_a_string_is_a_400()
    {
        var (client, agentId) = await SessionAsync();
        using var _ = client;
        await Problems.AssertProblem(await client.PostAsync("campaigns",
            ApiFixture.Json(Campaign(agentId, """[{"phone_number":"+14155550101","variables":{"age":42}}]"""))), 400);
    }
}
