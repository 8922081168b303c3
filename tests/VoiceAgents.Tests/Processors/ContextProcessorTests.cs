using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Processors;

/// <summary>The two sides of the conversation: what the caller said goes to the LLM, and what the caller heard of the bot joins the context.</summary>
public sealed class ContextProcessorTests
{
    [Fact]
    public async Task The_user_context_speaks_the_first_message_at_the_start_and_turns_a_transcript_into_a_request_for_a_reply()
    {
        var call = FrameHarness.Call(new TestClock(), new Agent { Id = "a", TenantId = "t", UserId = "u", Name = "A", SystemPrompt = "Be brief.", FirstMessage = "Hello, how can I help?" });
        var heard = new TranscriptionFrame("A table for two.", call.Time.GetUtcNow());

        var (down, _) = await FrameHarness.RunAsync(call, [new UserContextProcessor(call)], heard);

        Assert.Equal([typeof(LlmResponseStartFrame), typeof(TextFrame), typeof(LlmResponseEndFrame)], down.Where(f => f is (DataFrame or ControlFrame) and not LlmRunFrame).Select(f => f.GetType()));
        Assert.Equal("Hello, how can I help?", down.OfType<TextFrame>().Single().Text);
        // The transcript goes on to the output transport (the caller sees it), and the LLM is asked for a reply.
        Assert.Same(heard, down.OfType<TranscriptionFrame>().Single());
        var run = down.OfType<LlmRunFrame>().Single();
        Assert.Equal([(ChatMessage.System, "Be brief."), (ChatMessage.User, "A table for two.")], run.Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public async Task Without_a_first_message_the_bot_waits_for_the_caller()
    {
        var call = FrameHarness.Call(new TestClock());

        var (down, _) = await FrameHarness.RunAsync(call, [new UserContextProcessor(call)]);

        Assert.Empty(down);
    }

    [Fact]
    public async Task The_assistant_context_keeps_what_was_spoken_as_one_assistant_message_per_reply_and_stops_it_there()
    {
        var call = FrameHarness.Call(new TestClock());
        call.Conversation.Add(ChatMessage.User, "Hi.");
        var assistant = new AssistantContextProcessor(call);

        var (down, _) = await FrameHarness.RunAsync(call, [assistant],
            new SpokenTextFrame("Hello.", false), new SpokenTextFrame("How can I help…", true));

        Assert.Empty(down);
        Assert.Equal(2, assistant.Spoken.Count);
        Assert.Equal([(ChatMessage.User, "Hi."), (ChatMessage.Assistant, "Hello. How can I help…")], call.Conversation.Snapshot().Select(m => (m.Role, m.Content)));
    }
}
