using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Json;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Knowledge;

[Collection(ApiCollection.Name)]
public sealed class AgentKnowledgeBasesTests(ApiFixture api)
{
    private static StringContent AgentWith(object? knowledgeBases)
    {
        var agent = JsonSerializer.SerializeToNode(TenantSession.ValidAgent(), JsonDefaults.Options)!;
        agent["knowledge_bases"] = JsonSerializer.SerializeToNode(knowledgeBases, JsonDefaults.Options);
        return ApiFixture.RawJson(agent.ToJsonString());
    }

    private static List<(string, string)> Listed(JsonNode agent) =>
        agent["knowledge_bases"]!.AsArray().Select(k => (k!["id"]!.GetValue<string>(), k["mode"]!.GetValue<string>())).ToList();

    [Fact]
    public async Task An_agent_keeps_its_knowledge_bases_and_modes_and_context_is_the_default()
    {
        var tenant = await api.SignupAsync("kb-agent");
        using var client = tenant.Client();
        var faq = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(client, "FAQ");
        var prices = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(client, "Prices");

        var created = await TenantSession.Read(await client.PostAsync("agents", AgentWith(new object[] { new { id = faq }, new { id = prices, mode = "tool" } })), 201);
        Assert.Equal([(faq, "context"), (prices, "tool")], Listed(created));
        var id = created["id"]!.GetValue<string>();
        Assert.Equal([(faq, "context"), (prices, "tool")], Listed(await TenantSession.Read(await client.GetAsync($"agents/{id}"), 200)));

        var updated = await TenantSession.Read(await client.PutAsync($"agents/{id}", AgentWith(new[] { new { id = prices, mode = "context" } })), 200);
        Assert.Equal([(prices, "context")], Listed(updated));
        var cleared = await TenantSession.Read(await client.PutAsync($"agents/{id}", AgentWith(null)), 200);
        Assert.Empty(Listed(cleared));
    }

    [Fact]
    public async Task A_knowledge_base_of_another_tenant_or_none_returns_400_naming_its_index()
    {
        var other = await api.SignupAsync("kb-agent");
        using var otherClient = other.Client();
        var foreign = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(otherClient);
        var tenant = await api.SignupAsync("kb-agent");
        using var client = tenant.Client();
        var own = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(client);

        var problem = await Problems.AssertProblem(
            await client.PostAsync("agents", AgentWith(new[] { new { id = own }, new { id = foreign }, new { id = Ids.New() } })), 400, "knowledge_bases[1].id");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("knowledge_bases[2].id"));
        Assert.False(problem["errors"]!.AsObject().ContainsKey("knowledge_bases[0].id"));
    }

    [Fact]
    public async Task A_bad_mode_a_malformed_id_or_a_repeated_knowledge_base_returns_400()
    {
        var tenant = await api.SignupAsync("kb-agent");
        using var client = tenant.Client();
        var kb = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(client);

        await Problems.AssertProblem(await client.PostAsync("agents", AgentWith(new[] { new { id = kb, mode = "always" } })), 400, "knowledge_bases[0].mode");
        await Problems.AssertProblem(await client.PostAsync("agents", AgentWith(new[] { new { id = "kb-1", mode = "tool" } })), 400, "knowledge_bases[0].id");
        await Problems.AssertProblem(await client.PostAsync("agents", AgentWith(new[] { new { id = kb, mode = "tool" }, new { id = kb.ToUpperInvariant(), mode = "context" } })), 400, "knowledge_bases[1].id");
    }

    [Fact]
    public async Task A_knowledge_base_an_agent_answers_from_cannot_be_deleted_until_the_agent_lets_go()
    {
        var tenant = await api.SignupAsync("kb-agent");
        using var client = tenant.Client();
        var kb = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(client);
        var agent = (await TenantSession.Read(await client.PostAsync("agents", AgentWith(new[] { new { id = kb, mode = "tool" } })), 201))["id"]!.GetValue<string>();

        await Problems.AssertProblem(await client.DeleteAsync($"knowledge-bases/{kb}"), 409);

        await TenantSession.Read(await client.PutAsync($"agents/{agent}", AgentWith(Array.Empty<object>())), 200);
        Assert.Equal(204, (int)(await client.DeleteAsync($"knowledge-bases/{kb}")).StatusCode);
    }

    [Fact]
    public async Task The_agent_schemas_in_the_openapi_document_have_knowledge_bases()
    {
        using var anon = api.Client();
        var schemas = (await TenantSession.Read(await anon.GetAsync("openapi.json"), 200))["components"]!["schemas"]!;
        Assert.True(schemas["AgentRequest"]!["properties"]!.AsObject().ContainsKey("knowledge_bases"));
        Assert.True(schemas["AgentResponse"]!["properties"]!.AsObject().ContainsKey("knowledge_bases"));
    }
}
