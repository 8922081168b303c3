using Microsoft.Extensions.Time.Testing;
using VoiceAgents.VoiceHost.Calls;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.Tests.Voice;

/// <summary>Caller audio may run ahead of the call's clock by the burst allowance, and no more.</summary>
public sealed class AudioBudgetTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void Real_time_audio_is_taken_for_ever_and_a_burst_of_two_seconds_on_top()
    {
        var time = new FakeTimeProvider();
        var budget = new AudioBudget(time, TimeSpan.FromSeconds(2));
        // Ten minutes of 20 ms frames, each arriving on time.
        for (var i = 0; i < 30_000; i++)
        {
            Assert.True(budget.TryTake(Frame), $"frame {i} was refused");
            time.Advance(Frame);
        }
        // Then two seconds at once (a stall flushed), but not a frame more.
        for (var i = 0; i < 100; i++) Assert.True(budget.TryTake(Frame), $"burst frame {i} was refused");
        Assert.False(budget.TryTake(Frame));
    }

    [Fact]
    public void Silence_on_the_line_does_not_save_up_more_than_the_burst()
    {
        var time = new FakeTimeProvider();
        var budget = new AudioBudget(time, TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(budget.TryTake(TimeSpan.FromSeconds(2)));
        Assert.False(budget.TryTake(Frame));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(budget.TryTake(TimeSpan.FromMilliseconds(500)));
        Assert.False(budget.TryTake(Frame));
    }
}
