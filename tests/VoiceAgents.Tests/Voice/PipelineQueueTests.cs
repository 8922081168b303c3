using System.Runtime.CompilerServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Processors;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Voice;

/// <summary>
/// The pipeline's queues are bounded: a stage that is held up fills the queue before it to its bound, that stage
/// then waits, and so on back to whoever feeds the pipeline; frames going the other way and interruptions still pass.
/// </summary>
public sealed class PipelineQueueTests
{
    private const int Rate = 16000;

    /// <summary>Takes frames only while its gate is open; counts what it took.</summary>
    private sealed class HeldStage : FrameProcessor
    {
        private volatile TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Audio;
        public int TtsAudio;

        /// <summary>How much audio the TTS has made of the sentence that is playing.</summary>
        public SentenceAudio? Sentence { get; private set; }

        public void Open() => _gate.TrySetResult();

        protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
        {
            if (frame is TtsSentenceStartFrame start) Sentence = start.Progress;
            if (frame is InputAudioFrame or TtsAudioFrame) await _gate.Task.WaitAsync(ct);
            if (frame is InputAudioFrame) Interlocked.Increment(ref Audio);
            if (frame is TtsAudioFrame) Interlocked.Increment(ref TtsAudio);
            Push(frame, direction);
        }
    }

    /// <summary>Ten seconds of tone for any text, as fast as it is taken.</summary>
    private sealed class LongTts : ITtsProvider
    {
        public string Name => "long";

        public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
        {
            for (var i = 0; i < 100; i++)
            {
                await Task.Yield();
                yield return new AudioChunk(new short[Rate / 10], Rate);
            }
        }
    }

    /// <summary>Passes everything on: the head of the pipeline, as the LLM side would be.</summary>
    private sealed class Upstream : FrameProcessor;

    [Fact]
    public async Task A_held_stage_keeps_every_queue_before_it_at_its_bound_and_the_feeder_waits_until_it_is_released()
    {
        var call = FrameHarness.Call(new TestClock());
        await using var _ = call.Recorder;
        var held = new HeldStage();
        var first = new ResamplerProcessor(call);
        var second = new TurnProcessor(call);
        var pipeline = new Pipeline(new PipelineBounds(Audio: 5, Data: 8), null, first, second, held);
        pipeline.Start(new StartFrame(Rate, Rate));
        var frame = new AudioChunk(new short[320], 8000);

        // The held stage takes one frame and sits on it; then 5 wait on it and 5 on each stage before it.
        const int Room = 1 + 3 * 5;
        for (var i = 0; i < Room; i++) await pipeline.EnqueueAsync(new InputAudioFrame(frame), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually.Assert(() => Assert.Equal((5, 5, 5), (first.QueuedAudio, second.QueuedAudio, held.QueuedAudio)), TimeSpan.FromSeconds(5));

        // Nothing downstream can move, so the next frame waits for room: this is where a transport stops reading.
        var next = pipeline.EnqueueAsync(new InputAudioFrame(frame), CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        Assert.Equal((5, 5, 5), (first.QueuedAudio, second.QueuedAudio, held.QueuedAudio));

        held.Open();
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually.Assert(() => Assert.Equal(Room + 1, Volatile.Read(ref held.Audio)), TimeSpan.FromSeconds(5));
        Assert.Equal((0, 0, 0), (first.QueuedAudio, second.QueuedAudio, held.QueuedAudio));
        await pipeline.StopAsync();
    }

    [Fact]
    public async Task Tts_audio_waits_for_a_slow_output_at_the_data_bound_and_an_interruption_flushes_both()
    {
        var time = new TestClock();
        var call = FrameHarness.Call(time);
        await using var _ = call.Recorder;
        var tts = new TtsProcessor(call, new LongTts(), Rate);
        var output = new HeldStage();
        var pipeline = new Pipeline(new PipelineBounds(Audio: 50, Data: 16), null, new Upstream(), tts, output);
        pipeline.Start(new StartFrame(Rate, Rate));

        pipeline.Enqueue(new TextFrame("A very long sentence.", 1));
        // 10 s of audio is 500 frames of 20 ms: the output holds one, 16 wait on it, and the TTS waits to add the 18th.
        await Eventually.Assert(() =>
        {
            Assert.Equal(16, output.QueuedData);
            Assert.Equal(17 * 320, output.Sentence?.Samples);
        }, TimeSpan.FromSeconds(5));
        Assert.False(output.Sentence!.Complete);
        Assert.Equal(0, output.TtsAudio);

        // An interruption is a system frame: it overtakes the queued audio, flushes both lanes and frees the TTS.
        pipeline.Enqueue(new InterruptionFrame(time.GetUtcNow()));
        await Eventually.Assert(() => Assert.Equal((0, 0), (tts.QueuedData, output.QueuedData)), TimeSpan.FromSeconds(5));
        Assert.Equal(17 * 320, output.Sentence.Samples);
        await pipeline.StopAsync();
    }
}
