using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Providers.Local;

namespace VoiceAgents.Tests.Processors;

/// <summary>Keypad input: keys pressed in a row become one caller turn, which the rules responder answers by its dtmf rules.</summary>
public sealed class KeypadProcessorTests
{
    [Fact]
    public async Task Keys_pressed_in_a_row_become_one_keypad_turn_once_no_key_follows_within_the_inter_digit_timeout()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        await using var run = FrameHarness.Start(call, new KeypadProcessor(call));
        var gap = TimeSpan.FromSeconds(call.Options.KeypadInterDigitSeconds);

        // Each key is through before time moves on: one still on its way when the first key's gap ran out ended the
        // entry early.
        run.Send(new KeypadFrame('1', clock.GetUtcNow()));
        await run.FlushAsync();
        await run.AdvanceAsync(gap * 0.9);
        run.Send(new KeypadFrame('2', clock.GetUtcNow()));
        await run.FlushAsync();
        await run.AdvanceAsync(gap * 0.9);
        run.Send(new KeypadFrame('3', clock.GetUtcNow()));
        await run.FlushAsync();
        Assert.Empty(run.Down.OfType<TranscriptionFrame>());

        await run.AdvanceAsync(gap);
        var turn = await run.WaitForAsync<TranscriptionFrame>(run.Down);
        Assert.Equal("[keypad] 123", turn.Text);
        Assert.Empty(run.Down.OfType<KeypadFrame>());
        var heard = Assert.Single(call.Transcript);
        Assert.Equal(("user", "[keypad] 123"), (heard.Speaker, heard.Text));
    }

    [Fact]
    public async Task A_hash_ends_the_entry_at_once_without_being_part_of_it()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        await using var run = FrameHarness.Start(call, new KeypadProcessor(call));

        run.Send(new KeypadFrame('4', clock.GetUtcNow()), new KeypadFrame('2', clock.GetUtcNow()), new KeypadFrame('#', clock.GetUtcNow()));
        var turn = await run.WaitForAsync<TranscriptionFrame>(run.Down);

        Assert.Equal("[keypad] 42", turn.Text);
        // The entry's timer, moved on by each key, finds nothing left to send when it is due.
        await run.AdvanceAsync(TimeSpan.FromSeconds(call.Options.KeypadInterDigitSeconds * 2));
        await run.FlushAsync();
        Assert.Single(run.Down.OfType<TranscriptionFrame>());
    }

    [Fact]
    public async Task A_key_pressed_while_the_bot_speaks_cuts_it_off_like_speech()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        await using var run = FrameHarness.Start(call, new KeypadProcessor(call));

        run.SendUp(new BotStartedSpeakingFrame(clock.GetUtcNow()));
        await run.WaitForAsync<BotStartedSpeakingFrame>(run.Up);
        run.Send(new KeypadFrame('0', clock.GetUtcNow()));

        await run.WaitForAsync<InterruptionFrame>(run.Down);
    }

    [Fact]
    public async Task The_rules_responder_answers_keys_with_the_first_dtmf_rule_that_matches_and_can_say_the_digits()
    {
        var agent = new Agent
        {
            Id = "a", TenantId = "t", UserId = "u", Name = "Menu", SystemPrompt = "",
            Rules =
            [
                new AgentRule { Match = "one two three", Reply = "You said numbers." },
                new AgentRule { Dtmf = "1", Reply = "Bookings. What day?" },
                new AgentRule { Dtmf = "*", Reply = "Your account number is {{ match.digits }}." },
            ],
        };

        Assert.Equal("Bookings. What day?", await ReplyAsync(agent, KeypadInput.Message("1")));
        Assert.Equal("Your account number is 123.", await ReplyAsync(agent, KeypadInput.Message("123")));
        // Speech answers the spoken rules, never the keypad's, even when it says digits.
        Assert.Equal("You said numbers.", await ReplyAsync(agent, "one two three"));
        Assert.Equal(RulesLlm.DefaultFallback, await ReplyAsync(agent, "1"));
    }

    private static async Task<string> ReplyAsync(Agent agent, string said)
    {
        var text = "";
        await foreach (var delta in new RulesLlm().StreamAsync(new LlmRequest(agent, [new ChatMessage(ChatMessage.User, said)]), CancellationToken.None)) text += delta.Text;
        return text;
    }
}
