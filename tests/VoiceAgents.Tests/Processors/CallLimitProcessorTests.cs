using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Configuration;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Processors;

/// <summary>
/// Caller silence and the agent's maximum duration, on a fake clock: silence counts from the caller's last speech,
/// not from messages, and not while the bot speaks.
/// </summary>
public sealed class CallLimitProcessorTests
{
    private static Agent Agent(SilenceSettings? silence = null, int? maxDurationS = null, string? maxDurationMessage = null) => new()
    {
        Id = "a", TenantId = "t", UserId = "u", Name = "Quiet", SystemPrompt = "",
        Silence = silence, MaxDurationS = maxDurationS, MaxDurationMessage = maxDurationMessage,
    };

    private static CallLimitProcessor Limits(CallContext call) => new(call, "silence", "max_duration");

    [Fact]
    public async Task A_caller_who_sends_nothing_is_reprompted_then_the_call_ends_for_silence_not_counting_the_time_the_bot_speaks()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(new SilenceSettings { RepromptAfterS = 5, RepromptMessage = "Are you still there?", HangupAfterS = 12 }));
        await using var run = FrameHarness.Start(call, Limits(call));

        await run.AdvanceAsync(TimeSpan.FromSeconds(4.9));
        await run.FlushAsync();
        Assert.Empty(run.Down.OfType<TextFrame>());
        await run.AdvanceAsync(TimeSpan.FromSeconds(0.1));
        var reprompt = await run.WaitForAsync<TextFrame>(run.Down);
        Assert.Equal("Are you still there?", reprompt.Text);

        // The reprompt takes 10 s to say: that is not the caller's silence.
        run.SendUp(new BotStartedSpeakingFrame(clock.GetUtcNow()));
        await run.WaitForAsync<BotStartedSpeakingFrame>(run.Up);
        await run.AdvanceAsync(TimeSpan.FromSeconds(10));
        run.SendUp(new BotStoppedSpeakingFrame(clock.GetUtcNow()));
        await run.WaitForAsync<BotStoppedSpeakingFrame>(run.Up);
        await run.AdvanceAsync(TimeSpan.FromSeconds(6.9));
        await run.FlushAsync();
        Assert.DoesNotContain(run.Down.Frames, f => f is EndFrame);

        await run.AdvanceAsync(TimeSpan.FromSeconds(0.1));
        var end = await run.WaitForAsync<EndFrame>(run.Down);
        Assert.Equal("silence", end.Reason);
        Assert.Single(run.Down.OfType<TextFrame>());
    }

    [Fact]
    public async Task A_start_that_reaches_the_processor_late_still_has_the_caller_reprompted_on_time()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(new SilenceSettings { RepromptAfterS = 5, RepromptMessage = "Hello?", HangupAfterS = 12 }));
        var held = new HeldStart();
        await using var run = FrameHarness.Start(call, held, Limits(call));

        // The clock moves only once the start is through and the silence timer waits: time moved before then was
        // lost to it, and no reprompt came.
        var advancing = run.AdvanceAsync(TimeSpan.FromSeconds(5));
        held.Release();
        await advancing;

        Assert.Equal("Hello?", (await run.WaitForAsync<TextFrame>(run.Down)).Text);
    }

    [Fact]
    public async Task Caller_speech_starts_the_silence_over_with_its_reprompt_however_long_the_caller_talks()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(new SilenceSettings { RepromptAfterS = 5, RepromptMessage = "Hello?", HangupAfterS = 8 }));
        await using var run = FrameHarness.Start(call, Limits(call));

        await run.AdvanceAsync(TimeSpan.FromSeconds(6));
        await run.WaitForAsync<TextFrame>(run.Down);
        run.Send(new VadSpeechStartedFrame(clock.GetUtcNow()));
        await run.WaitForAsync<VadSpeechStartedFrame>(run.Down);
        await run.AdvanceAsync(TimeSpan.FromSeconds(30));
        run.Send(new VadSpeechStoppedFrame(clock.GetUtcNow()));
        await run.WaitForAsync<VadSpeechStoppedFrame>(run.Down);
        await run.AdvanceAsync(TimeSpan.FromSeconds(4.9));
        await run.FlushAsync();
        Assert.Single(run.Down.OfType<TextFrame>());
        Assert.DoesNotContain(run.Down.Frames, f => f is EndFrame);

        await run.AdvanceAsync(TimeSpan.FromSeconds(0.1));
        await run.RunClockUntilAsync(() => run.Down.OfType<TextFrame>().Count == 2, TimeSpan.Zero);
        await run.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("silence", (await run.WaitForAsync<EndFrame>(run.Down)).Reason);
    }

    [Fact]
    public async Task A_key_pressed_counts_as_the_caller_being_there()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(new SilenceSettings { HangupAfterS = 10 }));
        await using var run = FrameHarness.Start(call, Limits(call));

        await run.AdvanceAsync(TimeSpan.FromSeconds(9));
        run.Send(new KeypadFrame('7', clock.GetUtcNow()));
        await run.WaitForAsync<KeypadFrame>(run.Down);
        await run.AdvanceAsync(TimeSpan.FromSeconds(9.9));
        await run.FlushAsync();
        Assert.DoesNotContain(run.Down.Frames, f => f is EndFrame);

        await run.AdvanceAsync(TimeSpan.FromSeconds(0.1));
        Assert.Equal("silence", (await run.WaitForAsync<EndFrame>(run.Down)).Reason);
    }

    [Fact]
    public async Task Without_silence_settings_a_silent_line_ends_after_the_platform_silence_timeout_not_the_maximum_call_duration()
    {
        var clock = new TestClock();
        var options = new VoiceOptions();
        var call = FrameHarness.Call(clock, Agent(), options);
        await using var run = FrameHarness.Start(call, Limits(call));

        await run.AdvanceAsync(options.SilenceTimeout);

        Assert.Equal("silence", (await run.WaitForAsync<EndFrame>(run.Down)).Reason);
        Assert.True(options.SilenceTimeout < options.MaxCallDuration);
    }

    [Fact]
    public async Task At_the_agents_maximum_duration_the_closing_line_is_said_and_then_the_call_ends()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, Agent(maxDurationS: 60, maxDurationMessage: "We are out of time. Goodbye."));
        await using var run = FrameHarness.Start(call, Limits(call));

        await run.AdvanceAsync(TimeSpan.FromSeconds(59.9));
        await run.FlushAsync();
        Assert.Empty(run.Down.OfType<TextFrame>());
        await run.AdvanceAsync(TimeSpan.FromSeconds(0.1));

        var end = await run.WaitForAsync<EndFrame>(run.Down);
        Assert.Equal("max_duration", end.Reason);
        var said = run.Down.Frames.SkipWhile(f => f is not LlmResponseStartFrame).ToList();
        Assert.Equal(["We are out of time. Goodbye."], said.OfType<TextFrame>().Select(t => t.Text));
        Assert.IsType<LlmResponseEndFrame>(said[^2]);
        Assert.Same(end, said[^1]);
    }
}
