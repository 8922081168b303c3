using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Net;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Processors;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Tools;
using static VoiceAgents.Tests.Tools.ToolKit;

namespace VoiceAgents.Tests.Tools;

/// <summary>The LLM stage's tool loop with the agent's HTTP tools on a loopback receiver.</summary>
public sealed class ToolLoopTests
{
    private static LlmRunFrame Run(string text) => new([new ChatMessage(ChatMessage.User, text)]);

    [Fact]
    public async Task A_tool_call_posts_the_signed_request_and_the_llm_is_asked_again_with_the_result()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, """{"reference":"AB12"}"""));
        using var services = Services();
        var call = FrameHarness.Call(new TestClock(), Agent(Http("book", receiver.BaseUri)));
        var llm = new ScriptedLlm([Call("c1", "book", """{"party":"two"}""")], [new LlmDelta("Booked, AB12.")]);
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, llm, Gather(services, call)));

        run.Send(Run("A table for two."));
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);

        var request = receiver.Single();
        Assert.Equal("POST", request.Method);
        Assert.True(WebhookSignature.Verify(request.Header(WebhookSignature.Header), Encoding.UTF8.GetBytes(request.Body), Secret, call.Time.GetUtcNow()));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("book", body["tool"]!.GetValue<string>());
        Assert.Equal("two", body["arguments"]!["party"]!.GetValue<string>());
        Assert.Equal("c", body["call"]!["id"]!.GetValue<string>());
        Assert.Equal("a", body["call"]!["agent_id"]!.GetValue<string>());

        Assert.Equal("book", Assert.Single(llm.Requests[0].Tools).Name);
        var second = llm.Requests[1].Messages;
        Assert.Equal("c1", Assert.Single(second[^2].ToolCalls!).Id);
        Assert.Equal((ChatMessage.Tool, "c1", """{"reference":"AB12"}"""), (second[^1].Role, second[^1].ToolCallId, second[^1].Content));
        Assert.Equal("Booked, AB12.", string.Concat(run.Down.OfType<LlmTextFrame>().Select(f => f.Text)));

        var turn = Assert.Single(call.Transcript, t => t.Speaker == "tool");
        Assert.Equal(("book", """{"party":"two"}""", """{"reference":"AB12"}""", true), (turn.Tool!.Name, turn.Tool.Arguments, turn.Tool.Result, turn.Tool.Ok));
    }

    [Fact]
    public async Task Parallel_tool_calls_run_at_once_and_their_results_come_back_in_order()
    {
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        await using var receiver = await LoopbackServer.StartAsync(async c =>
        {
            // Neither answers until both requests are in: run one after the other, they would never finish.
            if (Interlocked.Increment(ref arrived) == 2) both.TrySetResult();
            await both.Task.WaitAsync(FrameHarness.Patience);
            await Wire.JsonAsync(c, 200, $$"""{"path":"{{c.Request.Path}}"}""");
        });
        using var services = Services();
        var call = FrameHarness.Call(new TestClock(), Agent(Http("first", new Uri(receiver.BaseUri, "one")), Http("second", new Uri(receiver.BaseUri, "two"))));
        var llm = new ScriptedLlm([Call("a", "first"), Call("b", "second")], [new LlmDelta("Done.")]);
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, llm, Gather(services, call)));

        run.Send(Run("Both please."));
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);

        var messages = llm.Requests[1].Messages;
        Assert.Equal(["a", "b"], messages[^3].ToolCalls!.Select(c => c.Id));
        Assert.Equal(("""{"path":"/one"}""", """{"path":"/two"}"""), (messages[^2].Content, messages[^1].Content));
    }

    [Fact]
    public async Task A_turn_loops_through_tools_at_most_five_times_and_then_is_offered_none()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, "{}"));
        using var services = Services();
        var call = FrameHarness.Call(new TestClock(), Agent(Http("again", receiver.BaseUri)));
        var llm = new ScriptedLlm([Call("x", "again")]);
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, llm, Gather(services, call)));

        run.Send(Run("Loop."));
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);

        Assert.Equal(LlmProcessor.MaxToolLoops + 1, llm.Requests.Count);
        Assert.All(llm.Requests.Take(LlmProcessor.MaxToolLoops), r => Assert.Single(r.Tools));
        Assert.Empty(llm.Requests[^1].Tools);
        Assert.Equal(LlmProcessor.MaxToolLoops, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_slow_tool_says_its_line_once_and_the_reply_follows_the_result()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await LoopbackServer.StartAsync(async c =>
        {
            await answer.Task.WaitAsync(FrameHarness.Patience);
            await Wire.JsonAsync(c, 200, """{"status":"shipped"}""");
        });
        using var services = Services();
        var call = FrameHarness.Call(new TestClock(), Agent(Http("order", receiver.BaseUri, speakWhileRunning: "One moment while I check that.")));
        var llm = new ScriptedLlm([Call("o", "order")], [new LlmDelta("It has shipped.")]);
        var sentences = new SentenceProcessor(call);
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, llm, Gather(services, call)), sentences);

        run.Send(Run("Where is my order?"));
        await receiver.RequestArrived.WaitAsync(FrameHarness.Patience);
        await run.AdvanceAsync(call.Options.ToolSpeakAfter);
        var line = await run.WaitForAsync<TextFrame>(run.Down);
        Assert.Equal("One moment while I check that.", line.Text);
        Assert.Empty(llm.Requests.Skip(1));

        answer.SetResult();
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);
        Assert.Equal(["One moment while I check that.", "It has shipped."], run.Down.OfType<TextFrame>().Select(t => t.Text));
    }

    [Fact]
    public async Task A_fast_tool_says_no_line()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, """{"status":"shipped"}"""));
        using var services = Services();
        var call = FrameHarness.Call(new TestClock(), Agent(Http("order", receiver.BaseUri, speakWhileRunning: "One moment while I check that.")));
        var llm = new ScriptedLlm([Call("o", "order")], [new LlmDelta("It has shipped.")]);
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, llm, Gather(services, call)), new SentenceProcessor(call));

        run.Send(Run("Where is my order?"));
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);

        Assert.Equal(["It has shipped."], run.Down.OfType<TextFrame>().Select(t => t.Text));
    }

    /// <summary>A caller asks where their order is, the model calls the order tool on <paramref name="receiver"/>, and the caller barges in once its request is there.</summary>
    private static async Task<(CallContext Call, ScriptedLlm Llm, FrameHarness Run)> BargeInWhileTheOrderToolRunsAsync(
        ServiceProvider services, LoopbackServer receiver, bool cancelOnBargeIn)
    {
        var call = FrameHarness.Call(new TestClock(), Agent(Http("order", receiver.BaseUri, cancelOnBargeIn: cancelOnBargeIn)));
        call.Conversation.Add(ChatMessage.User, "Where is my order?");
        var llm = new ScriptedLlm([Call("o", "order")], [new LlmDelta("It has shipped.")]);
        var run = FrameHarness.Start(call, new LlmProcessor(call, llm, Gather(services, call)));
        run.Send(new LlmRunFrame(call.Conversation.Snapshot()));
        await receiver.RequestArrived.WaitAsync(FrameHarness.Patience);
        run.Send(new InterruptionFrame(call.Time.GetUtcNow()));
        return (call, llm, run);
    }

    [Fact]
    public async Task A_barge_in_while_a_tool_runs_cancels_the_reply_and_the_result_still_joins_the_conversation()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await LoopbackServer.StartAsync(async c =>
        {
            await answer.Task.WaitAsync(FrameHarness.Patience);
            await Wire.JsonAsync(c, 200, """{"status":"shipped"}""");
        });
        using var services = Services();
        var (call, llm, run) = await BargeInWhileTheOrderToolRunsAsync(services, receiver, cancelOnBargeIn: false);
        await using var _ = run;
        await run.WaitForAsync<InterruptionFrame>(run.Down);
        call.Conversation.Add(ChatMessage.User, "Actually, never mind.");
        // The round is not complete: the model is not shown calls without their results.
        Assert.DoesNotContain(call.Conversation.Snapshot(), m => m.ToolCalls is not null);

        answer.SetResult();
        await Eventually.Assert(() => Assert.Contains(call.Conversation.Snapshot(), m => m.Role == ChatMessage.Tool), FrameHarness.Patience);

        Assert.Equal([ChatMessage.User, ChatMessage.Assistant, ChatMessage.Tool, ChatMessage.User], call.Conversation.Snapshot().Select(m => m.Role));
        Assert.Single(llm.Requests);
        Assert.DoesNotContain(run.Down.Frames, f => f is LlmTextFrame or LlmResponseEndFrame);
        Assert.Single(call.Transcript, t => t.Speaker == "tool" && t.Tool!.Ok);
    }

    [Fact]
    public async Task A_barge_in_while_a_tool_that_cancels_on_barge_in_runs_aborts_its_request_and_the_model_hears_it_was_cancelled()
    {
        await using var receiver = await LoopbackServer.StartAsync(Wire.HangAsync);
        using var services = Services();
        var (call, llm, run) = await BargeInWhileTheOrderToolRunsAsync(services, receiver, cancelOnBargeIn: true);
        await using var _ = run;

        // The tool's server sees its request aborted, though the tool's own timeout is far off.
        await receiver.ClientGone.WaitAsync(FrameHarness.Patience);
        await Eventually.Assert(() => Assert.Contains(call.Conversation.Snapshot(), m => m.Role == ChatMessage.Tool), FrameHarness.Patience);
        var messages = call.Conversation.Snapshot();
        Assert.Equal([ChatMessage.User, ChatMessage.Assistant, ChatMessage.Tool], messages.Select(m => m.Role));
        Assert.Equal(("o", true), (messages[^1].ToolCallId, messages[^1].IsError));
        Assert.Contains(ToolRunner.CancelledByCaller, messages[^1].Content);
        Assert.Single(llm.Requests);
        var turn = Assert.Single(call.Transcript, t => t.Speaker == "tool");
        Assert.Equal((false, ToolRunner.CancelledByCaller), (turn.Tool!.Ok, turn.Tool.Error));
    }
}
