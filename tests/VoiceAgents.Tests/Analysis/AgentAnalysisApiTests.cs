using System.Text.Json.Nodes;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.Analysis;

/// <summary>An agent's <c>analysis</c> setting through the agents API: stored as sent, and refused field by field when broken.</summary>
[Collection(ApiCollection.Name)]
public sealed class AgentAnalysisApiTests(ApiFixture api)
{
    private static JsonObject AgentWith(JsonObject analysis)
    {
        var agent = AgentSetup.Offline();
        agent["analysis"] = analysis;
        return agent;
    }

    private async Task<HttpResponseMessage> PostAsync(JsonObject analysis)
    {
        var tenant = await api.SignupAsync("analysis-api");
        using var client = tenant.Client();
        return await client.PostAsync("agents", ApiFixture.RawJson(AgentWith(analysis).ToJsonString()));
    }

    [Fact]
    public async Task Analysis_setting_is_stored_and_shown_as_sent()
    {
        var tenant = await api.SignupAsync("analysis-api");
        var analysis = OfflineAnalysisTests.PartySizeAnalysis();
        analysis["summary"] = "Name the day the caller asked for.";
        analysis["provider"] = "openai";
        analysis["model"] = "gpt-4o-mini";
        var id = await tenant.AddAgentAsync(AgentWith(analysis));

        var stored = await PostCallSteps.GetAsync(tenant, $"agents/{id}");
        Assert.True(JsonNode.DeepEquals(analysis, stored["analysis"]), stored["analysis"]?.ToJsonString());

        // Left out on a PUT, it is gone: PUT replaces the whole agent.
        var updated = await tenant.UpdateAgentAsync(id, agent => agent.Remove("analysis"));
        Assert.Null(updated["analysis"]);
    }

    [Theory]
    [InlineData("""{"data":{"type":"array"}}""", "analysis.data")]
    [InlineData("""{"data":{"type":"object","properties":{"n":{"type":"nope"}}}}""", "analysis.data")]
    [InlineData("""{"summary":3}""", "analysis.summary")]
    [InlineData("""{"summary":false}""", "analysis")]
    [InlineData("""{"data":{"type":"object","properties":{"day":{"type":"string"}}},"extract":{"day":"on (\\w+) at (\\d+)"}}""", "analysis.extract.day")]
    [InlineData("""{"data":{"type":"object","properties":{"day":{"type":"string"}}},"extract":{"day":"on \\w+"}}""", "analysis.extract.day")]
    [InlineData("""{"data":{"type":"object","properties":{"day":{"type":"string"}}},"extract":{"day":"on (\\w+"}}""", "analysis.extract.day")]
    [InlineData("""{"data":{"type":"object","properties":{"day":{"type":"string"}}},"extract":{"time":"at (\\d+)"}}""", "analysis.extract.time")]
    [InlineData("""{"provider":"gpt"}""", "analysis.provider")]
    public async Task Broken_analysis_setting_is_refused_naming_the_field(string analysis, string field)
    {
        using var response = await PostAsync(JsonNode.Parse(analysis)!.AsObject());
        await Problems.AssertProblem(response, 400, field);
    }
}
