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
    private readonly string[] _outputNames;

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
        // The speech probability, then the next recurrent state.
        _outputNames = [.. _session.OutputNames];
    }

    public Stream NewStream() => new(this);

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }

    /// <summary>
    /// One call's VAD state. The tensors are bound once over pinned arrays and the recurrent state alternates between
    /// two buffers (one window's output is the next one's input), so a window allocates nothing.
    /// </summary>
    public sealed class Stream : IDisposable
    {
        private readonly SileroVad _vad;
        private readonly float[] _input = GC.AllocateArray<float>(ContextSamples + WindowSamples, pinned: true);
        private readonly float[][] _state = [GC.AllocateArray<float>(2 * 128, pinned: true), GC.AllocateArray<float>(2 * 128, pinned: true)];
        private readonly float[] _probability = GC.AllocateArray<float>(1, pinned: true);
        private readonly long[] _sr = GC.AllocateArray<long>(1, pinned: true);
        private readonly OrtValue[] _values;
        private readonly OrtValue[][] _inputs;
        private readonly OrtValue[][] _outputs;
        private int _current;

        internal Stream(SileroVad vad)
        {
            _vad = vad;
            _sr[0] = SampleRate;
            var input = OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]);
            var stateA = OrtValue.CreateTensorValueFromMemory(_state[0], [2, 1, 128]);
            var stateB = OrtValue.CreateTensorValueFromMemory(_state[1], [2, 1, 128]);
            var sr = OrtValue.CreateTensorValueFromMemory(_sr, [1]);
            var probability = OrtValue.CreateTensorValueFromMemory(_probability, [1, 1]);
            _values = [input, stateA, stateB, sr, probability];
            _inputs = [[input, stateA, sr], [input, stateB, sr]];
            _outputs = [[probability, stateB], [probability, stateA]];
        }

        /// <summary>Speech probability, 0 to 1, of the next 512-sample window of 16 kHz audio.</summary>
        public float Process(ReadOnlySpan<short> window)
        {
            if (window.Length != WindowSamples) throw new ArgumentException($"A window is {WindowSamples} samples.", nameof(window));
            for (var i = 0; i < WindowSamples; i++) _input[ContextSamples + i] = window[i] / 32768f;
            _vad._session.Run(_vad._run, InputNames, _inputs[_current], _vad._outputNames, _outputs[_current]);
            _current ^= 1;
            // The last 64 samples of this window are the context of the next.
            Array.Copy(_input, WindowSamples, _input, 0, ContextSamples);
            return _probability[0];
        }

        public void Reset()
        {
            Array.Clear(_input);
            Array.Clear(_state[0]);
            Array.Clear(_state[1]);
        }

        public void Dispose()
        {
            foreach (var v in _values) v.Dispose();
        }
    }
}
