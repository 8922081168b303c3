using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers.Anthropic;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

public sealed class AnthropicLlmTests
{
    private static AnthropicLlm Create(LoopbackServer server, TimeSpan? timeout = null) => new(
        Options.Create(new AnthropicOptions { ApiKey = "sk-ant-test", BaseUrl = server.BaseUri.ToString().TrimEnd('/'), Timeout = timeout ?? TimeSpan.FromSeconds(5) }),
        Http, NullLogger<AnthropicLlm>.Instance);

    [Fact]
    public async Task Streams_text_deltas_in_order_and_the_first_arrives_before_the_stream_ends()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["We open", " at nine", " every day."], firstSeen.Task));
        using var llm = Create(server);

        var deltas = new List<string>();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var d in llm.StreamAsync(Request(Agent("anthropic")), cts.Token))
        {
            deltas.Add(d.Text);
            firstSeen.TrySetResult();
        }

        Assert.Equal(["We open", " at nine", " every day."], deltas);
    }

    [Fact]
    public async Task Sends_the_system_prompt_in_the_system_field_and_the_turns_as_messages()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Hi"]));
        using var llm = Create(server);
        var agent = Agent("anthropic", model: "claude-sonnet-4-5", temperature: 0.4);

        await CollectAsync(llm.StreamAsync(Request(agent, new("user", "Hello"), new("assistant", "Hi, how can I help?"), new("user", "When do you open?")), default));

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/messages", request.Path);
        // The official SDK (13.x) sends the key as a bearer token and pins the API version it was built against.
        Assert.Equal("Bearer sk-ant-test", request.Header("Authorization"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", request.Header("anthropic-version"));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("claude-sonnet-4-5", root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(1024, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.4, root.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("You are a helpful receptionist.", root.GetProperty("system").GetString());
        var messages = root.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToList();
        Assert.Equal([("user", "Hello"), ("assistant", "Hi, how can I help?"), ("user", "When do you open?")], messages);
        var tool = Assert.Single(root.GetProperty("tools").EnumerateArray());
        Assert.Equal("end_call", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Without_an_agent_model_or_temperature_it_uses_the_configured_model_and_sends_no_temperature()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Hi"]));
        using var llm = Create(server);

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default));

        using var body = JsonDocument.Parse(server.Single().Body);
        Assert.Equal("claude-haiku-4-5", body.RootElement.GetProperty("model").GetString());
        Assert.False(body.RootElement.TryGetProperty("temperature", out _));
    }

    [Fact]
    public async Task A_conversation_opened_by_the_agents_greeting_starts_with_a_user_turn_and_merges_neighbours()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Hi"]));
        using var llm = Create(server);

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic"),
            new("assistant", "Hello, this is the clinic."), new("user", "Hi."), new("user", "Are you open today?")), default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToList();
        Assert.Equal([("user", AnthropicLlm.CallStarted), ("assistant", "Hello, this is the clinic."), ("user", "Hi.\nAre you open today?")], messages);
    }

    [Fact]
    public async Task Reports_input_tokens_from_message_start_and_output_tokens_from_message_delta()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["We open", " at nine."]));
        using var llm = Create(server);
        var reported = new List<LlmUsage>();

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")) with { ReportUsage = reported.Add }, default));

        // message_start says input 25 (and output 1 so far); message_delta's cumulative output is 15.
        Assert.Equal(new LlmUsage("anthropic", 25, 15), Assert.Single(reported));
    }

    [Fact]
    public async Task Cached_input_tokens_count_as_input()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c,
                """{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":2000,"output_tokens":1}}}""",
                "message_start");
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "Hi.");
            await AnthropicWire.BlockStopAsync(c);
            await AnthropicWire.MessageDeltaAndStopAsync(c);
        });
        using var llm = Create(server);
        var reported = new List<LlmUsage>();

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")) with { ReportUsage = reported.Add }, default));

        Assert.Equal(new LlmUsage("anthropic", 2312, 15), Assert.Single(reported));
    }

    [Fact]
    public async Task An_http_error_becomes_a_ProviderException_with_the_vendor_message()
    {
        await using var server = await LoopbackServer.StartAsync(c =>
            Wire.JsonAsync(c, 401, AnthropicWire.Error("authentication_error", "invalid x-api-key")));
        using var llm = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default)));

        Assert.Equal("anthropic", e.Provider);
        Assert.Contains("401", e.Message);
        Assert.Contains("invalid x-api-key", e.Message);
    }

    [Fact]
    public async Task An_error_event_in_the_stream_becomes_a_ProviderException_with_the_vendor_message()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "We open");
            await Wire.EventAsync(c, AnthropicWire.Error("overloaded_error", "Overloaded"), "error");
        });
        using var llm = Create(server);
        var deltas = new List<string>();

        var e = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var d in llm.StreamAsync(Request(Agent("anthropic")), new CancellationTokenSource(Patience).Token)) deltas.Add(d.Text);
        });

        Assert.Equal(["We open"], deltas);
        Assert.Contains("Overloaded", e.Message);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_becomes_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "We open");
            await Task.Delay(50);
            c.Abort();
        });
        using var llm = Create(server);

        await ThrowsWithinAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_stream_that_ends_without_message_stop_is_not_taken_as_complete()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "We open at");
        });
        using var llm = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default)));
        Assert.Contains("message_stop", e.Message);
    }

    [Fact]
    public async Task A_slow_first_byte_within_the_timeout_is_waited_for()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            await Wire.DelayAsync(c, TimeSpan.FromMilliseconds(600));
            await AnthropicWire.ReplyAsync(c, ["Sure."]);
        });
        using var llm = Create(server, TimeSpan.FromSeconds(5));

        var deltas = await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default));

        Assert.Equal("Sure.", string.Concat(deltas.Select(d => d.Text)));
    }

    [Fact]
    public async Task A_first_byte_slower_than_the_timeout_fails_with_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(Wire.HangAsync);
        using var llm = Create(server, TimeSpan.FromMilliseconds(500));

        var (e, _) = await ThrowsWithinAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default)), TimeSpan.FromSeconds(5));

        Assert.Contains("no response within", e.Message);
    }

    [Fact]
    public async Task Cancelling_aborts_the_request_promptly()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "We open");
            await Wire.HangAsync(c);
        });
        using var llm = Create(server, TimeSpan.FromSeconds(30));

        var elapsed = await CancelAfterFirstItemAsync(ct => llm.StreamAsync(Request(Agent("anthropic")), ct));

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed} to stop");

        // Under the 2 s a drained HTTP/1.1 response would keep the connection: the abort must reach the vendor.
        await server.ClientGone.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_use_of_the_end_call_tool_ends_the_reply_with_an_EndCall_delta()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "Goodbye!");
            await AnthropicWire.BlockStopAsync(c);
            await AnthropicWire.ToolUseAsync(c, "end_call", index: 1);
            await Wire.EventAsync(c, """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""", "content_block_delta");
            await AnthropicWire.BlockStopAsync(c, 1);
            await AnthropicWire.MessageDeltaAndStopAsync(c, "tool_use");
        });
        using var llm = Create(server);

        var deltas = await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default));

        Assert.Equal("Goodbye!", deltas[0].Text);
        Assert.True(deltas[^1].EndCall);
        // end_call is the pipeline's own hang-up, never a tool for the tool loop to run.
        Assert.DoesNotContain(deltas, d => d.ToolCall is not null);
    }

    [Fact]
    public async Task Offers_the_requests_tools_beside_end_call_with_their_json_schema_as_input_schema()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Hi"]));
        using var llm = Create(server);

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")) with { Tools = [BookTable, OpeningHours] }, default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var tools = body.RootElement.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["end_call", "book_table", "opening_hours"], tools.Keys);
        Assert.Equal("Book a table for a party at a time.", tools["book_table"].GetProperty("description").GetString());
        Assert.True(JsonElement.DeepEquals(BookTable.Parameters, tools["book_table"].GetProperty("input_schema")));
        Assert.True(JsonElement.DeepEquals(OpeningHours.Parameters, tools["opening_hours"].GetProperty("input_schema")));
    }

    [Fact]
    public async Task Tool_use_blocks_streamed_as_input_json_deltas_become_whole_tool_calls_after_the_text()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.TextBlockStartAsync(c);
            await AnthropicWire.TextDeltaAsync(c, "Let me check.");
            await AnthropicWire.BlockStopAsync(c);
            await AnthropicWire.ToolUseBlockAsync(c, 1, "toolu_01A09q90qw90lq917835lq9", "book_table", "{\"party\": 4", ", \"time\": \"2", "0:00\"}");
            await AnthropicWire.ToolUseBlockAsync(c, 2, "toolu_01B09q90qw90lq917835lq9", "opening_hours");
            await AnthropicWire.MessageDeltaAndStopAsync(c, "tool_use");
        });
        using var llm = Create(server);

        var deltas = await CollectAsync(llm.StreamAsync(Request(Agent("anthropic")) with { Tools = [BookTable, OpeningHours] }, default));

        Assert.Equal("Let me check.", deltas[0].Text);
        var calls = deltas.Select(d => d.ToolCall).OfType<ToolCallRequest>().ToList();
        Assert.Equal(
        [
            new ToolCallRequest("toolu_01A09q90qw90lq917835lq9", "book_table", """{"party": 4, "time": "20:00"}"""),
            // A tool without parameters streams only the empty piece; the call still carries a JSON object.
            new ToolCallRequest("toolu_01B09q90qw90lq917835lq9", "opening_hours", "{}"),
        ], calls);
        Assert.DoesNotContain(deltas, d => d.EndCall);
    }

    [Fact]
    public async Task A_tool_call_is_handed_on_at_its_block_stop_before_the_message_ends()
    {
        var callSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await AnthropicWire.MessageStartAsync(c);
            await AnthropicWire.ToolUseBlockAsync(c, 0, "toolu_01", "opening_hours", "{}");
            // The rest waits until the client has the call: a provider that holds calls to the end never gets it.
            await callSeen.Task.WaitAsync(Patience);
            await AnthropicWire.ToolUseBlockAsync(c, 1, "toolu_02", "book_table", "{\"party\":2,\"time\":\"19:00\"}");
            await AnthropicWire.MessageDeltaAndStopAsync(c, "tool_use");
        });
        using var llm = Create(server);

        var names = new List<string>();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var d in llm.StreamAsync(Request(Agent("anthropic")) with { Tools = [BookTable, OpeningHours] }, cts.Token))
        {
            if (d.ToolCall is null) continue;
            names.Add(d.ToolCall.Name);
            callSeen.TrySetResult();
        }

        Assert.Equal(["opening_hours", "book_table"], names);
    }

    [Fact]
    public async Task Sends_tool_calls_as_tool_use_blocks_and_their_results_as_tool_result_blocks_of_one_user_turn()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Booked."]));
        using var llm = Create(server);

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic"), AfterToolCalls) with { Tools = [BookTable, OpeningHours] }, default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        var said = messages[1].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["text", "tool_use", "tool_use"], said.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("Let me check.", said[0].GetProperty("text").GetString());
        Assert.Equal(("call_book", "book_table"), (said[1].GetProperty("id").GetString(), said[1].GetProperty("name").GetString()));
        // The input goes back as the object the model wrote, not as JSON text.
        Assert.Equal(4, said[1].GetProperty("input").GetProperty("party").GetInt32());
        Assert.Equal(JsonValueKind.Object, said[2].GetProperty("input").ValueKind);
        var results = messages[2].GetProperty("content").EnumerateArray().ToList();
        Assert.All(results, b => Assert.Equal("tool_result", b.GetProperty("type").GetString()));
        Assert.Equal(
        [
            ("call_book", """{"reference":"B-42"}"""),
            ("call_hours", """{"error":"the hours service timed out"}"""),
        ], results.Select(b => (b.GetProperty("tool_use_id").GetString(), b.GetProperty("content").GetString())));
    }

    [Fact]
    public async Task A_failed_tool_result_is_marked_is_error_and_a_good_one_is_not()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Booked."]));
        using var llm = Create(server);

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic"), AfterToolCalls) with { Tools = [BookTable, OpeningHours] }, default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var results = body.RootElement.GetProperty("messages").EnumerateArray().Last().GetProperty("content").EnumerateArray().ToList();
        var good = results.Single(b => b.GetProperty("tool_use_id").GetString() == "call_book");
        var failed = results.Single(b => b.GetProperty("tool_use_id").GetString() == "call_hours");
        Assert.True(failed.GetProperty("is_error").GetBoolean());
        Assert.False(good.TryGetProperty("is_error", out var flag) && flag.ValueKind == JsonValueKind.True);
    }

    [Fact]
    public async Task A_question_asked_after_the_tool_results_joins_their_turn_after_them()
    {
        await using var server = await LoopbackServer.StartAsync(c => AnthropicWire.ReplyAsync(c, ["Yes."]));
        using var llm = Create(server);

        await CollectAsync(llm.StreamAsync(Request(Agent("anthropic"), [.. AfterToolCalls, new(ChatMessage.User, "Is there parking?")]), default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var last = body.RootElement.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("user", last.GetProperty("role").GetString());
        Assert.Equal(["tool_result", "tool_result", "text"], last.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Without_an_api_key_it_fails_with_a_ProviderException_saying_so()
    {
        using var llm = new AnthropicLlm(Options.Create(new AnthropicOptions()), Http, NullLogger<AnthropicLlm>.Instance);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent("anthropic")), default)));

        Assert.Contains("ApiKey", e.Message);
    }
}
