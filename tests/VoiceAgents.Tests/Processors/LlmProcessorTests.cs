using System.Runtime.CompilerServices;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Processors;

/// <summary>The LLM as a processor: a request in, the reply streamed out as text frames between a start and an end.</summary>
public sealed class LlmProcessorTests
{
    /// <summary>Streams the deltas it is given, then throws what it is given, if anything.</summary>
    private sealed class ScriptedLlm(LlmDelta[] deltas, Exception? failure = null) : ILlmProvider
    {
        public List<LlmRequest> Requests { get; } = [];
        public string Name => "scripted";

        public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
        {
            Requests.Add(request);
            foreach (var d in deltas)
            {
                await Task.Yield();
                yield return d;
            }
            if (failure is not null) throw failure;
        }
    }

    private static LlmRunFrame Run(string text) => new([new ChatMessage(ChatMessage.User, text)]);

    [Fact]
    public async Task A_request_streams_the_reply_as_text_frames_between_a_start_and_an_end()
    {
        var call = FrameHarness.Call(new TestClock());
        var llm = new ScriptedLlm([new LlmDelta("Certainly"), new LlmDelta(""), new LlmDelta(", for when?")]);

        var (down, _) = await FrameHarness.RunAsync(call, [new LlmProcessor(call, llm)], Run("A table please."));

        Assert.Equal([typeof(LlmResponseStartFrame), typeof(LlmTextFrame), typeof(LlmTextFrame), typeof(LlmResponseEndFrame)], down.Select(f => f.GetType()));
        Assert.Equal("Certainly, for when?", string.Concat(down.OfType<LlmTextFrame>().Select(f => f.Text)));
        Assert.Equal("A table please.", llm.Requests.Single().Messages.Single().Content);
    }

    [Fact]
    public async Task A_reply_that_asks_to_end_the_call_ends_it_after_the_reply()
    {
        var call = FrameHarness.Call(new TestClock());
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, new ScriptedLlm([new LlmDelta("Goodbye."), new LlmDelta("", EndCall: true)])));

        run.Send(Run("That's all."));
        var end = await run.WaitForAsync<EndFrame>(run.Down);

        Assert.Equal("agent_hang_up", end.Reason);
        Assert.Equal([typeof(LlmResponseStartFrame), typeof(LlmTextFrame), typeof(LlmResponseEndFrame), typeof(EndFrame)],
            run.Down.Frames.Where(f => f is not StartFrame).Select(f => f.GetType()));
    }

    [Fact]
    public async Task An_llm_that_is_unavailable_tells_the_caller_and_apologises_instead_of_replying()
    {
        var call = FrameHarness.Call(new TestClock());
        var llm = new ScriptedLlm([new LlmDelta("One moment")], new ProviderUnavailableException("llm"));
        await using var run = FrameHarness.Start(call, new LlmProcessor(call, llm));

        run.Send(Run("Hello?"));
        var end = await run.WaitForAsync<EndFrame>(run.Down);
        var error = await run.WaitForAsync<ErrorFrame>(run.Down);

        Assert.Equal("provider_unavailable", end.Reason);
        Assert.False(error.Fatal);
        Assert.Equal(Apology.Text, run.Down.OfType<TextFrame>().Single().Text);
    }
}
