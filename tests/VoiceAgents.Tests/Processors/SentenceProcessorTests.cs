using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Processors;

/// <summary>Cutting the LLM's stream into sentences: where a sentence ends, where it does not, and run-on sentences.</summary>
public sealed class SentenceProcessorTests
{
    /// <summary>Streams <paramref name="reply"/> in deltas of <paramref name="delta"/> characters and returns the sentences that come out.</summary>
    private static async Task<List<string>> SentencesAsync(string reply, int delta = 3)
    {
        var call = FrameHarness.Call(new TestClock());
        Frame[] frames = [new LlmResponseStartFrame(), .. reply.Chunk(delta).Select(c => new LlmTextFrame(new string(c))), new LlmResponseEndFrame()];
        var (down, _) = await FrameHarness.RunAsync(call, [new SentenceProcessor(call)], frames);
        return down.OfType<TextFrame>().Select(t => t.Text).ToList();
    }

    [Fact]
    public async Task Titles_and_decimals_do_not_end_a_sentence()
    {
        Assert.Equal(["Dr. Smith will see you at 3.5 past the hour.", "Mr. and Mrs. Jones are next.", "Thanks!"],
            await SentencesAsync("Dr. Smith will see you at 3.5 past the hour. Mr. and Mrs. Jones are next. Thanks!"));
    }

    [Fact]
    public async Task Eg_and_ie_do_not_end_a_sentence()
    {
        Assert.Equal(["Bring something light, e.g. fruit.", "The total is 12.50, i.e. the deposit.", "Is that OK?", "Good, see you then."],
            await SentencesAsync("Bring something light, e.g. fruit. The total is 12.50, i.e. the deposit. Is that OK? Good, see you then."));
    }

    [Fact]
    public async Task A_period_ends_a_sentence_only_before_a_space_so_numbers_and_addresses_stay_whole()
    {
        Assert.Equal(["It costs 4.99 at shop.example.com today.", "Version 2.", "Next."],
            await SentencesAsync("It costs 4.99 at shop.example.com today. Version 2. Next.", delta: 1));
    }

    [Fact]
    public async Task A_run_on_sentence_is_cut_at_a_comma_before_it_grows_too_long_and_rejoins_into_the_text_as_written()
    {
        var reply = string.Join(", ", Enumerable.Repeat("we have a table by the window and one on the terrace", 12)) + " and that is all";

        var sentences = await SentencesAsync(reply, delta: 5);

        Assert.True(sentences.Count > 1);
        Assert.All(sentences, s => Assert.True(s.Length <= SentenceProcessor.MaxSentenceWeight, s));
        Assert.All(sentences.SkipLast(1), s => Assert.EndsWith(",", s, StringComparison.Ordinal));
        Assert.Equal(reply, string.Join(' ', sentences));
    }

    [Fact]
    public async Task A_sentence_goes_out_as_soon_as_it_is_complete_with_a_new_id_and_the_rest_at_the_end_of_the_reply()
    {
        var call = FrameHarness.Call(new TestClock());
        await using var run = FrameHarness.Start(call, new SentenceProcessor(call));

        run.Send(new LlmResponseStartFrame(), new LlmTextFrame("Hello there. How"));
        var first = await run.WaitForAsync<TextFrame>(run.Down);
        Assert.Equal("Hello there.", first.Text);
        run.Send(new LlmTextFrame(" can I help"), new LlmResponseEndFrame());
        var second = await run.WaitForAsync<TextFrame>(run.Down, t => t != first);

        Assert.Equal("How can I help", second.Text);
        Assert.True(second.Id > first.Id);
        Assert.IsType<LlmResponseEndFrame>(await run.WaitForAsync<LlmResponseEndFrame>(run.Down));
    }

    [Fact]
    public async Task An_interruption_drops_the_half_sentence_so_the_next_reply_starts_clean()
    {
        var call = FrameHarness.Call(new TestClock());
        await using var run = FrameHarness.Start(call, new SentenceProcessor(call));

        run.Send(new LlmResponseStartFrame(), new LlmTextFrame("I was about to say"), new InterruptionFrame(call.Time.GetUtcNow()));
        await run.WaitForAsync<InterruptionFrame>(run.Down);
        run.Send(new LlmResponseStartFrame(), new LlmTextFrame("Sure."), new LlmResponseEndFrame());
        await run.WaitForAsync<LlmResponseEndFrame>(run.Down);

        Assert.Equal(["Sure."], run.Down.OfType<TextFrame>().Select(t => t.Text));
    }
}
