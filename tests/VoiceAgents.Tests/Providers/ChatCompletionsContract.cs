using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;
using static VoiceAgents.Tests.Providers.VendorServers.ProviderTestKit;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// What every provider over OpenAI's chat-completions stream must do, run against a loopback server speaking that
/// protocol. Each subclass supplies its provider and adds its own request checks.
/// </summary>
public abstract class ChatCompletionsContract
{
    /// <summary>The provider pointed at <paramref name="server"/> (its API root is <c>{server}/v1</c>).</summary>
    protected abstract ILlmProvider Create(LoopbackServer server, TimeSpan timeout);

    protected abstract string ProviderName { get; }

    // Generous, as production defaults are (15-30 s): a first request on a loaded test host (JIT, the SDK's first use)
    // can take over 5 s; the tests of timeouts pass their own.
    protected ILlmProvider Create(LoopbackServer server) => Create(server, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Streams_deltas_in_order_and_the_first_arrives_before_the_stream_ends()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["We open", " at nine", " every day."], firstSeen.Task));
        var llm = Create(server);

        var deltas = new List<string>();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var d in llm.StreamAsync(Request(Agent(ProviderName)), cts.Token))
        {
            deltas.Add(d.Text);
            // The server holds the rest of the reply until the first piece is here: a provider that buffers never gets it.
            firstSeen.TrySetResult();
        }

        Assert.Equal(["We open", " at nine", " every day."], deltas);
    }

    [Fact]
    public async Task Sends_the_conversation_as_a_streamed_chat_completion()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));
        var llm = Create(server);
        var agent = Agent(ProviderName, model: "my-model", temperature: 0.3);

        await CollectAsync(llm.StreamAsync(Request(agent,
            new("user", "Hello"), new("assistant", "Hi, how can I help?"), new("user", "When do you open?")), default));

        var request = server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("my-model", root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(0.3, root.GetProperty("temperature").GetDouble(), 3);
        var messages = root.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToList();
        Assert.Equal(
        [
            ("system", "You are a helpful receptionist."),
            ("user", "Hello"),
            ("assistant", "Hi, how can I help?"),
            ("user", "When do you open?"),
        ], messages);
    }

    [Fact]
    public async Task Asks_for_usage_in_the_stream_and_reports_the_tokens_of_its_final_chunk()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["We open", " at nine."], usage: (57, 9)));
        var llm = Create(server);
        var reported = new List<LlmUsage>();

        var deltas = await CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)) with { ReportUsage = reported.Add }, default));

        Assert.Equal("We open at nine.", string.Concat(deltas.Select(d => d.Text)));
        Assert.Equal(new LlmUsage(ProviderName, 57, 9), Assert.Single(reported));
        using var body = JsonDocument.Parse(server.Single().Body);
        Assert.True(body.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task A_server_that_sends_no_usage_reports_none()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));
        var llm = Create(server);
        var reported = new List<LlmUsage>();

        await CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)) with { ReportUsage = reported.Add }, default));

        Assert.Empty(reported);
    }

    [Fact]
    public async Task An_http_error_becomes_a_ProviderException_with_the_vendor_message()
    {
        await using var server = await LoopbackServer.StartAsync(c =>
            Wire.JsonAsync(c, 429, OpenAiWire.Error("Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.", "requests", "rate_limit_exceeded")));
        var llm = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)), default)));

        Assert.Equal(ProviderName, e.Provider);
        Assert.Contains("429", e.Message);
        Assert.Contains("Rate limit reached for gpt-4o-mini", e.Message);
    }

    [Fact]
    public async Task An_error_event_in_the_stream_becomes_a_ProviderException_with_the_vendor_message()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c, OpenAiWire.Chunk(content: "We open", role: "assistant"));
            await Wire.EventAsync(c, OpenAiWire.Error("The server had an error while processing your request. Sorry about that!"));
        });
        var llm = Create(server);
        var deltas = new List<string>();

        var e = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var d in llm.StreamAsync(Request(Agent(ProviderName)), new CancellationTokenSource(Patience).Token)) deltas.Add(d.Text);
        });

        Assert.Equal(["We open"], deltas);
        Assert.Contains("The server had an error while processing your request", e.Message);
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_becomes_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c, OpenAiWire.Chunk(content: "We open", role: "assistant"));
            await Task.Delay(50);
            c.Abort();
        });
        var llm = Create(server);

        await ThrowsWithinAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)), default)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_stream_that_ends_without_a_finish_reason_is_not_taken_as_complete()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c, OpenAiWire.Chunk(content: "We open at", role: "assistant"));
        });
        var llm = Create(server);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)), default)));
        Assert.Contains("ended before", e.Message);
    }

    [Fact]
    public async Task A_slow_first_byte_within_the_timeout_is_waited_for()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            await Wire.DelayAsync(c, TimeSpan.FromMilliseconds(600));
            await OpenAiWire.ReplyAsync(c, ["Sure."]);
        });
        var llm = Create(server, TimeSpan.FromSeconds(5));

        var deltas = await CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)), default));

        Assert.Equal("Sure.", string.Concat(deltas.Select(d => d.Text)));
    }

    [Fact]
    public async Task A_first_byte_slower_than_the_timeout_fails_with_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(Wire.HangAsync);
        var llm = Create(server, TimeSpan.FromMilliseconds(500));

        var (e, _) = await ThrowsWithinAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)), default)), TimeSpan.FromSeconds(5));

        Assert.Contains("no response within", e.Message);
    }

    [Fact]
    public async Task A_stream_that_stalls_after_the_first_piece_fails_with_a_ProviderException()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c, OpenAiWire.Chunk(content: "We open", role: "assistant"));
            await Wire.HangAsync(c);
        });
        var llm = Create(server, TimeSpan.FromMilliseconds(500));

        await ThrowsWithinAsync<ProviderException>(() => CollectAsync(llm.StreamAsync(Request(Agent(ProviderName)), default)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Cancelling_aborts_the_request_promptly()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c, OpenAiWire.Chunk(content: "We open", role: "assistant"));
            await Wire.HangAsync(c);
        });
        var llm = Create(server, TimeSpan.FromSeconds(30));

        var elapsed = await CancelAfterFirstItemAsync(ct => llm.StreamAsync(Request(Agent(ProviderName)), ct));

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed} to stop");

        // Under the 2 s a drained HTTP/1.1 response would keep the connection: the abort must reach the vendor.
        await server.ClientGone.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Offers_the_requests_tools_as_function_tools_with_their_json_schema()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Hi"]));

        await CollectAsync(Create(server).StreamAsync(Request(Agent(ProviderName)) with { Tools = [BookTable, OpeningHours] }, default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var functions = body.RootElement.GetProperty("tools").EnumerateArray()
            .Where(t => t.GetProperty("type").GetString() == "function")
            .Select(t => t.GetProperty("function"))
            .ToDictionary(f => f.GetProperty("name").GetString()!);
        var book = functions["book_table"];
        Assert.Equal("Book a table for a party at a time.", book.GetProperty("description").GetString());
        Assert.True(JsonElement.DeepEquals(BookTable.Parameters, book.GetProperty("parameters")));
        Assert.True(JsonElement.DeepEquals(OpeningHours.Parameters, functions["opening_hours"].GetProperty("parameters")));
    }

    [Fact]
    public async Task Streamed_tool_call_pieces_become_one_whole_tool_call_per_call_in_order()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ToolCallsAsync(c,
        [
            ("call_DdmO9pD3xa9XTPNJ32zg2hcA", "book_table", ["{\"", "party\":", " 4, \"time", "\": \"20:00\"}"]),
            ("call_ABCDEFGHIJKLMNOPQRSTUVWX", "opening_hours", []),
        ]));

        var deltas = await CollectAsync(Create(server).StreamAsync(Request(Agent(ProviderName)) with { Tools = [BookTable, OpeningHours] }, default));

        var calls = deltas.Select(d => d.ToolCall).OfType<ToolCallRequest>().ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(("call_DdmO9pD3xa9XTPNJ32zg2hcA", "book_table"), (calls[0].Id, calls[0].Name));
        Assert.Equal("""{"party": 4, "time": "20:00"}""", calls[0].ArgumentsJson);
        // A function without parameters streams no arguments; the call still carries a JSON object.
        Assert.Equal(("call_ABCDEFGHIJKLMNOPQRSTUVWX", "opening_hours", "{}"), (calls[1].Id, calls[1].Name, calls[1].ArgumentsJson));
        Assert.DoesNotContain(deltas, d => d.EndCall);
    }

    [Fact]
    public async Task Parallel_tool_calls_whose_pieces_interleave_are_each_put_together_by_index()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ToolCallsAsync(c,
        [
            ("call_1", "book_table", ["{\"party\":", "2,\"time\":", "\"19:00\"}"]),
            ("call_2", "book_table", ["{\"party\":", "6,\"time\":", "\"21:30\"}"]),
        ], interleave: true));

        var deltas = await CollectAsync(Create(server).StreamAsync(Request(Agent(ProviderName)) with { Tools = [BookTable] }, default));

        var calls = deltas.Select(d => d.ToolCall).OfType<ToolCallRequest>().Select(c => (c.Id, c.ArgumentsJson)).ToList();
        Assert.Equal([("call_1", """{"party":2,"time":"19:00"}"""), ("call_2", """{"party":6,"time":"21:30"}""")], calls);
    }

    [Fact]
    public async Task Words_before_a_tool_call_stream_first_and_the_call_follows()
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            Wire.StartSse(c);
            await Wire.EventAsync(c, OpenAiWire.Chunk(content: "Let me check.", role: "assistant"));
            await Wire.EventAsync(c, OpenAiWire.ToolCallStart(0, "call_hours", "opening_hours"));
            await Wire.EventAsync(c, OpenAiWire.ToolCallArguments(0, "{}"));
            await Wire.EventAsync(c, OpenAiWire.Chunk(finishReason: "tool_calls"));
            await Wire.EventAsync(c, "[DONE]");
        });

        var deltas = await CollectAsync(Create(server).StreamAsync(Request(Agent(ProviderName)) with { Tools = [OpeningHours] }, default));

        Assert.Equal("Let me check.", deltas[0].Text);
        Assert.Null(deltas[0].ToolCall);
        Assert.Equal("opening_hours", Assert.Single(deltas, d => d.ToolCall is not null).ToolCall!.Name);
    }

    [Fact]
    public async Task Sends_the_assistants_tool_calls_and_each_result_back_as_tool_messages()
    {
        await using var server = await LoopbackServer.StartAsync(c => OpenAiWire.ReplyAsync(c, ["Booked."]));

        await CollectAsync(Create(server).StreamAsync(Request(Agent(ProviderName), AfterToolCalls) with { Tools = [BookTable, OpeningHours] }, default));

        using var body = JsonDocument.Parse(server.Single().Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        var assistant = messages[2];
        Assert.Contains("Let me check.", assistant.GetProperty("content").ToString());
        var calls = assistant.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(["call_book", "call_hours"], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.All(calls, c => Assert.Equal("function", c.GetProperty("type").GetString()));
        Assert.Equal("book_table", calls[0].GetProperty("function").GetProperty("name").GetString());
        // The arguments go back as the JSON text the model wrote, not as an object.
        Assert.Equal("""{"party":4,"time":"20:00"}""", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(("call_book", """{"reference":"B-42"}"""), (messages[3].GetProperty("tool_call_id").GetString(), messages[3].GetProperty("content").GetString()));
        Assert.Equal(("call_hours", """{"error":"the hours service timed out"}"""), (messages[4].GetProperty("tool_call_id").GetString(), messages[4].GetProperty("content").GetString()));
    }

    /// <summary>A goodbye followed by a call of the end_call function.</summary>
    protected static async Task ReplyWithEndCallAsync(HttpContext c)
    {
        Wire.StartSse(c);
        await Wire.EventAsync(c, OpenAiWire.Chunk(content: "Goodbye!", role: "assistant"));
        await Wire.EventAsync(c, OpenAiWire.EndCallToolCall());
        await Wire.EventAsync(c, OpenAiWire.Chunk(finishReason: "tool_calls"));
        await Wire.EventAsync(c, "[DONE]");
    }
}
