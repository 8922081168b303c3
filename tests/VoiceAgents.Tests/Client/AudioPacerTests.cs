using Microsoft.Extensions.Time.Testing;
using VoiceAgents.Client;

namespace VoiceAgents.Tests.Client;

/// <summary>The clients' real-time pacing, on a fake clock.</summary>
public sealed class AudioPacerTests
{
    [Fact]
    public async Task Pacer_waits_until_the_clock_has_caught_up_with_all_the_audio_sent()
    {
        var time = new FakeTimeProvider();
        var pacer = new AudioPacer(16000, time);
        Assert.Equal(320, pacer.FrameSamples);

        var first = pacer.SentAsync(320, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await first.WaitAsync(TimeSpan.FromSeconds(5));

        var second = pacer.SentAsync(320, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromMilliseconds(40), pacer.Sent);
    }

    [Fact]
    public void Pacer_lets_a_stalled_stream_catch_up_without_waiting()
    {
        var time = new FakeTimeProvider();
        var pacer = new AudioPacer(8000, time);
        time.Advance(TimeSpan.FromMilliseconds(100));

        for (var i = 0; i < 5; i++) Assert.True(pacer.SentAsync(160, CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(pacer.SentAsync(160, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Pacer_catches_up_a_long_stall_by_at_most_half_a_second_so_it_never_bursts()
    {
        var time = new FakeTimeProvider();
        var pacer = new AudioPacer(8000, time);
        time.Advance(TimeSpan.FromSeconds(3));

        // The frame being sent and 500 ms more (25 frames of 20 ms) go at once; the next waits for the clock.
        for (var i = 0; i < 26; i++) Assert.True(pacer.SentAsync(160, CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(pacer.SentAsync(160, CancellationToken.None).IsCompleted);
    }
}
