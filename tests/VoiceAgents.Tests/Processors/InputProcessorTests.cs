using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.Tests.Processors;

/// <summary>The caller's side of the pipeline, one processor at a time: resampling, voice activity and turns.</summary>
public sealed class InputProcessorTests
{
    private static InputAudioFrame Audio(int samples, int rate, short value = 1000) => new(new AudioChunk(Enumerable.Repeat(value, samples).ToArray(), rate));

    [Fact]
    public async Task The_resampler_brings_8_kHz_caller_audio_to_16_kHz_records_it_and_passes_16_kHz_audio_through_as_it_is()
    {
        var call = FrameHarness.Call(new TestClock());
        var (down, _) = await FrameHarness.RunAsync(call, [new ResamplerProcessor(call)], Audio(160, 8000), Audio(320, 16000));

        var frames = down.OfType<InputAudioFrame>().Select(f => f.Audio).ToList();
        Assert.Equal([ResamplerProcessor.PipelineRate, ResamplerProcessor.PipelineRate], frames.Select(a => a.SampleRate));
        Assert.InRange(frames[0].Length, 300, 340);
        Assert.Equal(320, frames[1].Length);
        // The recording holds the caller's side as the pipeline has it.
        Assert.Equal(frames.Sum(a => a.Length) / (double)CallRecorder.SampleRate, call.Recorder.Duration.TotalSeconds, 6);
    }

    [Fact]
    public async Task The_vad_reports_speech_starting_and_stopping_in_spoken_audio_and_passes_the_audio_on()
    {
        using var vad = new SileroVad(ModelPath());
        var call = FrameHarness.Call(new TestClock());
        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("Hello, I would like to book a table for two tonight."));
        Assert.Equal(16000, rate);
        var audio = new short[8000].Concat(samples).Concat(new short[16000]).ToArray();
        var frames = audio.Chunk(320).Select(c => (Frame)new InputAudioFrame(new AudioChunk(c, rate))).ToArray();

        var (down, _) = await FrameHarness.RunAsync(call, [new VadProcessor(call, vad.NewStream())], frames);

        Assert.Equal(frames.Length, down.OfType<InputAudioFrame>().Count());
        var events = down.Where(f => f is VadSpeechStartedFrame or VadSpeechStoppedFrame).Select(f => f.GetType().Name).ToList();
        Assert.Equal(nameof(VadSpeechStartedFrame), events[0]);
        Assert.Equal(nameof(VadSpeechStoppedFrame), events[^1]);
    }

    [Fact]
    public async Task The_vad_stamps_speech_with_when_it_was_said_not_when_a_late_batch_classified_it()
    {
        using var vad = new SileroVad(ModelPath());
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("Hello, I would like to book a table for two tonight."));
        var audio = new short[8000].Concat(samples).Concat(new short[16000]).ToArray();
        // Each frame arrived as its last sample was said; the VAD gets to all of them a minute later (a backlog).
        var said = clock.GetUtcNow();
        var frames = audio.Chunk(320).Select((c, i) => (Frame)new InputAudioFrame(new AudioChunk(c, rate), said + TimeSpan.FromSeconds((i + 1) * 320.0 / rate))).ToArray();
        clock.Advance(TimeSpan.FromMinutes(1));

        var (down, _) = await FrameHarness.RunAsync(call, [new VadProcessor(call, vad.NewStream())], frames);

        // Speech began 0.5 s in (and flite's own lead-in) and ended with the sentence (less flite's tail); the VAD's start
        // is stamped when its start run confirmed it, its stop where the silence began: in the said timeline, a minute
        // before the clock the batch came back on.
        var started = down.OfType<VadSpeechStartedFrame>().First();
        var stopped = down.OfType<VadSpeechStoppedFrame>().Last();
        var speechEnd = said + TimeSpan.FromSeconds((8000.0 + samples.Length) / rate);
        Assert.InRange(started.At, said + TimeSpan.FromSeconds(0.5), said + TimeSpan.FromSeconds(1.5));
        Assert.InRange(stopped.At, speechEnd - TimeSpan.FromSeconds(0.6), speechEnd + TimeSpan.FromSeconds(0.1));

        // The stop's silence and the frames after it add up to the silence there is: the frame the VAD found the stop
        // in follows the stop, and its audio before the window's end is not counted twice (the turn ended up to 20 ms
        // early when it was).
        var next = (InputAudioFrame)down[down.IndexOf(stopped)..].First(f => f is InputAudioFrame);
        Assert.Equal((next.ReceivedAt!.Value - stopped.At).TotalMilliseconds, (stopped.Silence + next.Audio.Duration).TotalMilliseconds, 3);
    }

    [Fact]
    public async Task A_turn_starts_with_speech_and_ends_only_once_the_silence_after_it_reaches_the_turn_end()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock);
        await using var run = FrameHarness.Start(call, new TurnProcessor(call));
        var speechEnded = clock.GetUtcNow();

        run.Send(new VadSpeechStartedFrame(speechEnded), new VadSpeechStoppedFrame(speechEnded));
        await run.WaitForAsync<UserStartedSpeakingFrame>(run.Down);
        // Half the turn end of the caller's audio later the turn goes on; a turn end later the next audio ends it.
        var half = (int)(call.Options.TurnEndSeconds / 2 * 16000);
        clock.Advance(TimeSpan.FromSeconds(call.Options.TurnEndSeconds / 2));
        run.Send(Audio(half, 16000));
        clock.Advance(TimeSpan.FromSeconds(call.Options.TurnEndSeconds / 2));
        run.Send(Audio(half, 16000));
        var stopped = await run.WaitForAsync<UserStoppedSpeakingFrame>(run.Down);

        Assert.Equal((speechEnded, clock.GetUtcNow()), (stopped.SpeechEndedAt, stopped.At));
        Assert.Single(run.Down.OfType<UserStoppedSpeakingFrame>());
        Assert.Equal(2, run.Down.OfType<InputAudioFrame>().Count);
        Assert.Empty(run.Down.OfType<InterruptionFrame>());
    }

    [Fact]
    public async Task Speech_while_the_bot_speaks_is_a_barge_in_and_speech_after_it_stopped_is_not()
    {
        var clock = new TestClock();
        var call = FrameHarness.Call(clock, FrameHarness.SpeechInterrupts());
        await using var run = FrameHarness.Start(call, new TurnProcessor(call));

        run.SendUp(new BotStartedSpeakingFrame(clock.GetUtcNow()));
        await run.WaitForAsync<BotStartedSpeakingFrame>(run.Up);
        run.Send(new VadSpeechStartedFrame(clock.GetUtcNow()));
        var interruption = await run.WaitForAsync<InterruptionFrame>(run.Down);
        Assert.Equal(clock.GetUtcNow(), interruption.At);

        run.SendUp(new BotStoppedSpeakingFrame(clock.GetUtcNow()));
        await run.WaitForAsync<BotStoppedSpeakingFrame>(run.Up);
        run.Send(new VadSpeechStoppedFrame(clock.GetUtcNow()), new VadSpeechStartedFrame(clock.GetUtcNow()), new ErrorFrame("marker"));
        // The system lane keeps order: anything the second start caused is out before the marker.
        await run.WaitForAsync<ErrorFrame>(run.Down);
        Assert.Single(run.Down.OfType<InterruptionFrame>());
    }

    /// <summary>Where infra/local/install.sh puts the Silero model, searched upward from the test's folder.</summary>
    private static string ModelPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("the Silero VAD model is not installed (infra/local/install.sh)");
    }
}
