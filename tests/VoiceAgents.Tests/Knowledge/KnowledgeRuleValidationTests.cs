using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>A rule answers with a <c>reply</c> or <c>reply_from_knowledge</c>, exactly one of them.</summary>
[Collection(ApiCollection.Name)]
public sealed class KnowledgeRuleValidationTests(ApiFixture api)
{
    [Fact]
    public async Task A_rule_with_reply_from_knowledge_and_no_reply_is_saved_and_read_back()
    {
        var tenant = await api.SignupAsync("kb-rule-ok");

        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline(with: new { rules = new[] { new { match = "*", reply_from_knowledge = true } } }));

        using var client = tenant.Client();
        var rule = (await TenantSession.Read(await client.GetAsync($"agents/{agentId}"), 200))["rules"]![0]!;
        Assert.True(rule["reply_from_knowledge"]!.GetValue<bool>());
        Assert.Null(rule["reply"]);
    }

    [Theory]
    [InlineData("""{"match": "*", "reply": "Hello.", "reply_from_knowledge": true}""")]
    [InlineData("""{"match": "*", "reply_from_knowledge": false}""")]
    [InlineData("""{"match": "*"}""")]
    public async Task A_rule_with_both_reply_and_reply_from_knowledge_or_neither_is_a_400_on_its_reply(string rule)
    {
        var tenant = await api.SignupAsync("kb-rule-bad");
        var agent = AgentSetup.Offline();
        agent["rules"] = new JsonArray(JsonNode.Parse(rule));
        using var client = tenant.Client();

        await Problems.AssertProblem(await client.PostAsync("agents", ApiFixture.RawJson(agent.ToJsonString())), 400, "rules[0].reply");
    }
}
