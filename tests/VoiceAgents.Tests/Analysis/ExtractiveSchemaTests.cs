using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Analysis;

/// <summary>An offline (extractive) analysis checked against the agent's schema, as an LLM's is.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class ExtractiveSchemaTests(AnalysisFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_extracted_value_not_of_its_schema_type_is_kept_and_named_in_the_analysis_error()
    {
        var tenant = await fixture.Api.SignupAsync("extractive-schema");
        var agent = AgentSetup.Offline();
        agent["analysis"] = new JsonObject
        {
            ["data"] = JsonNode.Parse("""{"type":"object","properties":{"party_size":{"type":"integer"},"day":{"type":"string"}},"required":["party_size","day"]}"""),
            ["extract"] = new JsonObject { ["party_size"] = @"table for (\w+)", ["day"] = @"on (\w+day)" },
            ["success"] = "A table was booked.",
        };
        var agentId = await tenant.AddAgentAsync(agent);
        var message = NewMessage(tenant, agentId) with
        {
            Transcript = [new TranscriptTurn { Speaker = "user", Text = "a table for two on friday", StartMs = 0, EndMs = 2000 }],
        };

        await SendAsync(fixture.Api.CallCompletedQueue, message);

        JsonNode? analysis = null;
        await Eventually.Assert(async () => Assert.NotNull(analysis = (await WaitForCallLogAsync(tenant, message.CallId, Patience))["analysis"]), Patience);
        Assert.Equal(("extractive", "two", "friday"), (analysis!["kind"]!.GetValue<string>(), analysis["data"]!["party_size"]!.GetValue<string>(), analysis["data"]!["day"]!.GetValue<string>()));
        var error = analysis["error"]!.GetValue<string>();
        Assert.Contains("/party_size", error, StringComparison.Ordinal);
        Assert.DoesNotContain("/day", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extracted_values_of_their_schema_types_leave_no_error()
    {
        var tenant = await fixture.Api.SignupAsync("extractive-schema-ok");
        var agent = AgentSetup.Offline();
        agent["analysis"] = new JsonObject
        {
            ["data"] = JsonNode.Parse("""{"type":"object","properties":{"party_size":{"type":"integer"},"day":{"type":"string"}},"required":["party_size","day"]}"""),
            ["extract"] = new JsonObject { ["party_size"] = @"table for (\d+)", ["day"] = @"on (\w+day)" },
        };
        var agentId = await tenant.AddAgentAsync(agent);
        // The day is never said: a required field not found is the verdict's business, not a schema error.
        var message = NewMessage(tenant, agentId) with
        {
            Transcript = [new TranscriptTurn { Speaker = "user", Text = "a table for 4 please", StartMs = 0, EndMs = 2000 }],
        };

        await SendAsync(fixture.Api.CallCompletedQueue, message);

        JsonNode? analysis = null;
        await Eventually.Assert(async () => Assert.NotNull(analysis = (await WaitForCallLogAsync(tenant, message.CallId, Patience))["analysis"]), Patience);
        Assert.Equal(4, analysis!["data"]!["party_size"]!.GetValue<int>());
        Assert.Null(analysis["error"]);
    }
}
