using Microsoft.ML.OnnxRuntime;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.Tests.Voice;

/// <summary>The VAD stream, which binds its tensors once and swaps two state buffers, against a plain run per window.</summary>
public sealed class SileroVadTests
{
    private static readonly string Model = Path.Combine(LocalStack.RepoRoot, "infra", "local", ".runtime", "models", "silero_vad_v5.onnx");

    /// <summary>What Silero's own example does: fresh tensors for every window, the state copied back from the output.</summary>
    private static List<float> Reference(short[] audio)
    {
        using var session = new InferenceSession(Model, new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        var input = new float[SileroVad.ContextSamples + SileroVad.WindowSamples];
        var state = new float[2 * 128];
        var probabilities = new List<float>();
        for (var w = 0; w + SileroVad.WindowSamples <= audio.Length; w += SileroVad.WindowSamples)
        {
            for (var i = 0; i < SileroVad.WindowSamples; i++) input[SileroVad.ContextSamples + i] = audio[w + i] / 32768f;
            using var x = OrtValue.CreateTensorValueFromMemory(input, [1, input.Length]);
            using var s = OrtValue.CreateTensorValueFromMemory(state, [2, 1, 128]);
            using var sr = OrtValue.CreateTensorValueFromMemory(new long[] { SileroVad.SampleRate }, [1]);
            using var results = session.Run(new RunOptions(), ["input", "state", "sr"], [x, s, sr], session.OutputNames);
            probabilities.Add(results[0].GetTensorDataAsSpan<float>()[0]);
            results[1].GetTensorDataAsSpan<float>().CopyTo(state);
            Array.Copy(input, SileroVad.WindowSamples, input, 0, SileroVad.ContextSamples);
        }
        return probabilities;
    }

    [Fact]
    public async Task Stream_gives_the_same_probabilities_as_a_fresh_run_per_window_and_hears_the_speech()
    {
        var (speech, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        Assert.Equal(SileroVad.SampleRate, rate);
        var audio = new short[rate / 2].Concat(speech).Concat(new short[rate]).ToArray();
        var expected = Reference(audio);

        using var vad = new SileroVad(Model);
        using var stream = vad.NewStream();
        var actual = new List<float>();
        for (var w = 0; w + SileroVad.WindowSamples <= audio.Length; w += SileroVad.WindowSamples)
        {
            actual.Add(stream.Process(audio.AsSpan(w, SileroVad.WindowSamples)));
        }

        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"window {i}: {expected[i]} vs {actual[i]}");
        Assert.True(actual.Count(p => p > 0.5) > 20, "speech is heard");
        Assert.True(actual.TakeLast(10).All(p => p < 0.35), "the trailing silence is silence");
    }
}
