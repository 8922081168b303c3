using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VoiceAgents.VoiceHost.Vad;

/// <summary>
/// Silero VAD v5 (the .onnx shipped in the npm package @ricky0123/vad-web) through ONNX Runtime. One
/// <see cref="InferenceSession"/> is shared by every call; each call keeps its own recurrent state and the
/// 64-sample context that Silero expects in front of each 512-sample (32 ms) window at 16 kHz.
/// </summary>
public sealed class SileroVad : IDisposable
{
    public const int WindowSamples = 512;
    public const int ContextSamples = 64;
    public const int SampleRate = 16000;
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    public SileroVad(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Silero VAD model not found at {modelPath}. Run infra/local/install.sh, which installs it from npm.", modelPath);
        }
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(modelPath, options);
    }

    public Stream NewStream() => new(this);

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }

    /// <summary>One call's VAD state.</summary>
    public sealed class Stream
    {
        private readonly SileroVad _vad;
        private readonly float[] _input = new float[ContextSamples + WindowSamples];
        private readonly float[] _state = new float[2 * 128];
        private readonly long[] _sr = [SampleRate];

        internal Stream(SileroVad vad) => _vad = vad;

        /// <summary>Speech probability, 0 to 1, of the next 512-sample window of 16 kHz audio.</summary>
        public float Process(ReadOnlySpan<short> window)
        {
            if (window.Length != WindowSamples) throw new ArgumentException($"A window is {WindowSamples} samples.", nameof(window));
            for (var i = 0; i < WindowSamples; i++) _input[ContextSamples + i] = window[i] / 32768f;
            using var input = OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]);
            using var state = OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]);
            using var sr = OrtValue.CreateTensorValueFromMemory(_sr, [1]);
            using var results = _vad._session.Run(_vad._run, InputNames, [input, state, sr], _vad._session.OutputNames);
            var probability = results[0].GetTensorDataAsSpan<float>()[0];
            results[1].GetTensorDataAsSpan<float>().CopyTo(_state);
            // The last 64 samples of this window are the context of the next.
            Array.Copy(_input, WindowSamples, _input, 0, ContextSamples);
            return probability;
        }

        public void Reset()
        {
            Array.Clear(_input);
            Array.Clear(_state);
        }
    }
}
