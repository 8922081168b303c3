using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Functions.Analysis;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Analysis;

/// <summary>
/// Analysis by the agent's LLM against loopback vendors: OpenAI's JSON-schema structured output, Anthropic's forced
/// tool use, one retry on a schema mismatch, an error after that or after the queue's last try, and once per call.
/// </summary>
[Collection(AnalysisCollection.Name)]
public sealed class LlmAnalysisTests(AnalysisFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Schema = """{"type":"object","properties":{"party_size":{"type":"integer","minimum":1},"day":{"type":"string"}},"required":["party_size"]}""";
    private static readonly JsonObject Good = JsonNode.Parse("""{"summary":"The caller booked a table.","data":{"party_size":2,"day":"Friday"},"success":{"verdict":true,"reason":"A table was booked."}}""")!.AsObject();
    private static readonly JsonObject Bad = JsonNode.Parse("""{"summary":"The caller booked a table.","data":{"party_size":"two"},"success":{"verdict":true,"reason":"A table was booked."}}""")!.AsObject();

    private async Task<(TenantSession Tenant, string AgentId)> AgentAsync(string provider, string model)
    {
        var tenant = await fixture.Api.SignupAsync("llm-analysis");
        var agent = AgentSetup.Offline(with: new { llm = new { provider, model } });
        agent["analysis"] = new JsonObject
        {
            ["summary"] = "Say in one sentence what the caller booked.",
            ["data"] = JsonNode.Parse(Schema),
            ["success"] = "A table was booked.",
        };
        return (tenant, await tenant.AddAgentAsync(agent));
    }

    /// <summary>Answers each request with the next of <paramref name="answers"/> (the last one again after that), counting them.</summary>
    private void Answer(params Func<HttpContext, Task>[] answers)
    {
        fixture.Llm.Requests.Clear();
        var next = 0;
        fixture.Llm.Respond = ctx => answers[Math.Min(Interlocked.Increment(ref next) - 1, answers.Length - 1)](ctx);
    }

    private async Task<JsonNode> AnalysisAsync(TenantSession tenant, string callId)
    {
        JsonNode? analysis = null;
        await Eventually.Assert(async () => Assert.NotNull(analysis = (await WaitForCallLogAsync(tenant, callId, Patience))["analysis"]), Patience);
        return analysis!;
    }

    [Fact]
    public async Task OpenAI_analysis_asks_for_json_schema_structured_output_and_stores_the_answer()
    {
        var (tenant, agentId) = await AgentAsync("openai", "gpt-4o-mini");
        Answer(HttpLoopback.Json(200, AnalysisFixture.ChatCompletion(Good.ToJsonString())));
        var message = NewMessage(tenant, agentId);
        await SendAsync(fixture.Api.CallCompletedQueue, message);

        var analysis = await AnalysisAsync(tenant, message.CallId);
        Assert.Equal(("llm", "The caller booked a table.", 2, "Friday"), (
            analysis["kind"]!.GetValue<string>(), analysis["summary"]!.GetValue<string>(),
            analysis["data"]!["party_size"]!.GetValue<int>(), analysis["data"]!["day"]!.GetValue<string>()));
        Assert.True(analysis["success"]!["verdict"]!.GetValue<bool>());

        var request = Assert.Single(fixture.Llm.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {AnalysisFixture.OpenAiKey}", request.Headers["Authorization"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("gpt-4o-mini", body["model"]!.GetValue<string>());
        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
        var schema = body["response_format"]!["json_schema"]!["schema"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Schema), schema["properties"]!["data"]));
        Assert.Equal(["summary", "data", "success"], schema["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("Say in one sentence what the caller booked.", body["messages"]![0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Caller: book a table", body["messages"]![1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anthropic_analysis_forces_the_record_tool_and_stores_its_input()
    {
        var (tenant, agentId) = await AgentAsync("anthropic", "claude-haiku-4-5");
        Answer(HttpLoopback.Json(200, AnalysisFixture.ToolUseMessage(LlmAnalyzer.ToolName, Good)));
        var message = NewMessage(tenant, agentId);
        await SendAsync(fixture.Api.CallCompletedQueue, message);

        var analysis = await AnalysisAsync(tenant, message.CallId);
        Assert.Equal(("llm", 2), (analysis["kind"]!.GetValue<string>(), analysis["data"]!["party_size"]!.GetValue<int>()));
        var request = Assert.Single(fixture.Llm.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal(AnalysisFixture.AnthropicKey, request.Headers["x-api-key"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(LlmAnalyzer.ToolName, body["tool_choice"]!["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Schema), body["tools"]![0]!["input_schema"]!["properties"]!["data"]));
    }

    [Fact]
    public async Task An_answer_that_misses_the_schema_is_sent_back_once_with_its_errors_and_the_corrected_one_is_stored()
    {
        var (tenant, agentId) = await AgentAsync("anthropic", "claude-haiku-4-5");
        Answer(HttpLoopback.Json(200, AnalysisFixture.ToolUseMessage(LlmAnalyzer.ToolName, Bad)),
            HttpLoopback.Json(200, AnalysisFixture.ToolUseMessage(LlmAnalyzer.ToolName, Good)));
        var message = NewMessage(tenant, agentId);
        await SendAsync(fixture.Api.CallCompletedQueue, message);

        var analysis = await AnalysisAsync(tenant, message.CallId);
        Assert.Equal(2, analysis["data"]!["party_size"]!.GetValue<int>());
        Assert.Null(analysis["error"]);
        var retry = JsonNode.Parse(fixture.Llm.Requests.ElementAt(1).Body)!["messages"]!.AsArray();
        // The retry carries the first answer as the tool call it was, and the schema's complaint as its result.
        Assert.Equal("tool_use", retry[1]!["content"]![0]!["type"]!.GetValue<string>());
        var result = retry[2]!["content"]![0]!;
        Assert.Equal(("tool_result", true), (result["type"]!.GetValue<string>(), result["is_error"]!.GetValue<bool>()));
        Assert.Contains("/data/party_size", result["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_misses_the_schema_twice_becomes_the_analysis_error()
    {
        var (tenant, agentId) = await AgentAsync("openai", "gpt-4o-mini");
        Answer(HttpLoopback.Json(200, AnalysisFixture.ChatCompletion(Bad.ToJsonString())));
        var message = NewMessage(tenant, agentId);
        await SendAsync(fixture.Api.CallCompletedQueue, message);

        var analysis = await AnalysisAsync(tenant, message.CallId);
        Assert.Contains("did not match the schema after a retry", analysis["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(analysis["data"]);
        Assert.Equal(2, fixture.Llm.Requests.Count);
        var retry = JsonNode.Parse(fixture.Llm.Requests.ElementAt(1).Body)!["messages"]!.AsArray();
        Assert.Equal(("assistant", "user"), (retry[2]!["role"]!.GetValue<string>(), retry[3]!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_vendor_that_fails_every_try_is_retried_by_the_queue_and_the_last_try_records_the_error()
    {
        var (tenant, agentId) = await AgentAsync("openai", "gpt-4o-mini");
        Answer(HttpLoopback.Json(503, """{"error":{"message":"The server is overloaded.","type":"server_error","param":null,"code":null}}"""));
        var message = NewMessage(tenant, agentId);
        await SendAsync(fixture.Api.CallCompletedQueue, message);

        var analysis = await AnalysisAsync(tenant, message.CallId);
        Assert.Contains("HTTP 503", analysis["error"]!.GetValue<string>(), StringComparison.Ordinal);
        // One request per dequeue, up to host.json's maxDequeueCount; nothing went to the poison queue.
        Assert.Equal(Webhooks.WebhooksFixture.MaxDequeueCount, fixture.Llm.Requests.Count);
        var poison = Queue(Core.Queues.QueueNames.Poison(fixture.Api.CallAnalysisQueue));
        Assert.False(await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
    }

    [Fact]
    public async Task A_redelivered_call_is_analysed_once_and_its_success_counted_once()
    {
        var (tenant, agentId) = await AgentAsync("openai", "gpt-4o-mini");
        Answer(HttpLoopback.Json(200, AnalysisFixture.ChatCompletion(Good.ToJsonString())));
        var message = NewMessage(tenant, agentId);
        await SendAsync(fixture.Api.CallCompletedQueue, message);
        var first = await AnalysisAsync(tenant, message.CallId);

        // The call-completed message again (its StoreCall enqueues analysis again), and the analysis message twice more.
        await SendAsync(fixture.Api.CallCompletedQueue, message);
        var again = Queue(fixture.Api.CallAnalysisQueue);
        var analyse = new BinaryData(new CallAnalysisMessage(message.CallId, tenant.TenantId, agentId).ToUtf8Json());
        await again.SendMessageAsync(analyse);
        await again.SendMessageAsync(analyse);
        await DrainedAsync(fixture.Api.CallCompletedQueue, Patience);
        await DrainedAsync(fixture.Api.CallAnalysisQueue, Patience);

        Assert.Single(fixture.Llm.Requests);
        var log = await WaitForCallLogAsync(tenant, message.CallId, Patience);
        Assert.Equal(first["analyzed_at"]!.GetValue<DateTime>(), log["analysis"]!["analyzed_at"]!.GetValue<DateTime>());
        foreach (var query in new[] { "", $"agent_id={agentId}" })
        {
            var success = (await GetAsync(tenant, $"analytics?{query}"))["success"]!;
            Assert.Equal((1, 1), (success["judged"]!.GetValue<int>(), success["succeeded"]!.GetValue<int>()));
        }
    }
}
