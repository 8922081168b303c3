using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.Tests.Processors;

/// <summary>The first stage: caller audio to 16 kHz, and into the call's recording.</summary>
public sealed class ResamplerProcessorTests
{
    [Fact]
    public async Task Caller_audio_still_queued_when_the_call_is_cancelled_is_in_the_recording()
    {
        var call = FrameHarness.Call(new TestClock());
        var run = FrameHarness.Start(call, new ResamplerProcessor(call));

        // Ten 20 ms frames at 8 kHz and the hang-up at once: the cancel overtakes the audio queued before it.
        run.SendToFirst([.. Enumerable.Range(0, 10).Select(_ => new InputAudioFrame(new AudioChunk(new short[160], 8000))), new CancelFrame("caller_ended")]);
        await run.WaitForAsync<CancelFrame>(run.Down);
        await run.DisposeAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(200), call.Recorder.Duration);
    }
}
