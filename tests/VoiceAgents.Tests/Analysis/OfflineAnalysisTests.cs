using System.Text.Json.Nodes;
using VoiceAgents.Core.Events;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Webhooks;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Analysis;

/// <summary>A rules agent's real call through voice-host, analysed offline: onto the call log, into a signed webhook, the analytics and the call-log filter.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class OfflineAnalysisTests(AnalysisFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static JsonObject PartySizeAnalysis() => new()
    {
        ["summary"] = true,
        ["data"] = JsonNode.Parse("""{"type":"object","properties":{"party_size":{"type":"string"}},"required":["party_size"]}"""),
        ["success"] = "The caller asked for a table for a number of people.",
        ["extract"] = new JsonObject { ["party_size"] = @"table for (\w+)" },
    };

    [Fact]
    public async Task Rules_agent_call_through_voice_host_gets_an_extractive_analysis_and_a_signed_call_analyzed_webhook()
    {
        var tenant = await fixture.Api.SignupAsync("analysis");
        var agentId = await tenant.AddAgentAsync(AgentSetup.Offline(with: new { rules = new[] { AgentSetup.BookingRule }, analysis = PartySizeAnalysis() }));
        await using var receiver = await Receiver.StartAsync();
        var webhook = await WebhookSteps.CreateWebhookAsync(tenant, receiver.Url, EventTypes.CallAnalyzed);

        var callId = await MakeSpokenCallAsync(fixture.Voice, tenant, agentId, "I would like to book a table for two.");

        // On the call log: plainly extractive, the caller's words as the summary, the field by its regex, a verdict.
        JsonNode? analysis = null;
        await Eventually.Assert(async () => Assert.NotNull(analysis = (await WaitForCallLogAsync(tenant, callId, Patience))["analysis"]), Patience);
        Assert.Equal("extractive", analysis!["kind"]!.GetValue<string>());
        Assert.Equal("The caller said: \"i would like to book a table for two\"", analysis["summary"]!.GetValue<string>());
        Assert.Equal("two", analysis["data"]!["party_size"]!.GetValue<string>());
        Assert.True(analysis["success"]!["verdict"]!.GetValue<bool>());
        Assert.Null(analysis["error"]);

        // The signed call.analyzed event, with the analysis and the transcript.
        var eventId = $"{EventTypes.CallAnalyzed}:{callId}";
        await WebhookSteps.WaitForDeliveryAsync(tenant, webhook["id"]!.GetValue<string>(), eventId, "succeeded", Patience);
        var request = receiver.Single();
        Assert.True(Receiver.Verify(request, webhook["secret"]!.GetValue<string>()));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal((eventId, EventTypes.CallAnalyzed), (body["id"]!.GetValue<string>(), body["type"]!.GetValue<string>()));
        Assert.Equal(callId, body["data"]!["call_id"]!.GetValue<string>());
        Assert.Equal("two", body["data"]!["analysis"]!["data"]!["party_size"]!.GetValue<string>());
        Assert.Contains(body["data"]!["transcript"]!.AsArray(), t => t!["speaker"]!.GetValue<string>() == "user"
            && t["text"]!.GetValue<string>() == "i would like to book a table for two");

        // The agent's success rate, and the call-log filter on the verdict.
        var analytics = await GetAsync(tenant, $"analytics?agent_id={agentId}");
        Assert.Equal((1, 1, 1.0), (analytics["success"]!["judged"]!.GetValue<int>(), analytics["success"]!["succeeded"]!.GetValue<int>(), analytics["success"]!["rate"]!.GetValue<double>()));
        var succeeded = (await GetAsync(tenant, "call-logs?success=true"))["items"]!.AsArray();
        Assert.Equal(callId, Assert.Single(succeeded)!["id"]!.GetValue<string>());
        Assert.True(Assert.Single(succeeded)!["success"]!.GetValue<bool>());
        Assert.Empty((await GetAsync(tenant, "call-logs?success=false"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Call_of_an_agent_without_analysis_is_not_analysed()
    {
        var tenant = await fixture.Api.SignupAsync("analysis");
        var plain = await tenant.AddAgentAsync(AgentSetup.Offline(with: new { rules = new[] { AgentSetup.BookingRule } }));
        var analysed = await tenant.AddAgentAsync(AgentSetup.Offline(with: new { rules = new[] { AgentSetup.BookingRule }, analysis = PartySizeAnalysis() }));
        var first = NewMessage(tenant, plain);
        var second = NewMessage(tenant, analysed);
        await SendAsync(fixture.Api.CallCompletedQueue, first);
        await SendAsync(fixture.Api.CallCompletedQueue, second);

        // Both calls were stored (StoreCall decides on analysis before it finishes), the second was analysed, and
        // nothing is left on the analysis queue: the first call had its chance and has no analysis.
        await DrainedAsync(fixture.Api.CallCompletedQueue, Patience);
        await Eventually.Assert(async () => Assert.NotNull((await WaitForCallLogAsync(tenant, second.CallId, Patience))["analysis"]), Patience);
        await DrainedAsync(fixture.Api.CallAnalysisQueue, Patience);
        Assert.Null((await WaitForCallLogAsync(tenant, first.CallId, Patience))["analysis"]);
        var success = (await GetAsync(tenant, "analytics"))["success"]!;
        Assert.Equal((1, 0), (success["judged"]!.GetValue<int>(), success["succeeded"]!.GetValue<int>()));
    }
}
