using System.Runtime.CompilerServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Bench.Voice.Server;

/// <summary>STT whose final transcript comes <see cref="Scenario.SttFinal"/> after the turn is finalized.</summary>
public sealed class FixedLatencyStt : ISttProvider
{
    public string Name => "local";

    public ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct) => ValueTask.FromResult<ISttSession>(new Session());

    private sealed class Session : ISttSession
    {
        private int _samples;

        public ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct)
        {
            _samples += pcm16k.Length;
            return ValueTask.CompletedTask;
        }

        public async ValueTask<SttResult> FinalizeAsync(CancellationToken ct)
        {
            var heard = _samples;
            _samples = 0;
            await Task.Delay(Scenario.SttFinal, ct);
            // As a real recognizer: a tenth of a second of audio or less is no utterance.
            return new SttResult(heard > 1600 ? Scenario.Heard : "", true);
        }

        public async IAsyncEnumerable<SttResult> InterimResultsAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.CompletedTask;
            yield break;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>An LLM whose first token comes <see cref="Scenario.LlmFirstToken"/> after the request, the rest every <see cref="Scenario.LlmTokenInterval"/>.</summary>
public sealed class FixedLatencyLlm : ILlmProvider
{
    public string Name => "rules";

    public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Delay(Scenario.LlmFirstToken, ct);
        for (var i = 0; i < Scenario.ReplyTokens.Length; i++)
        {
            if (i > 0) await Task.Delay(Scenario.LlmTokenInterval, ct);
            yield return new LlmDelta(Scenario.ReplyTokens[i]);
        }
    }
}

/// <summary>
/// TTS whose first audio comes <see cref="Scenario.TtsFirstByte"/> after the request, then streams faster than real
/// time. The audio is flite's recording of each sentence (made once at start), or a tone for unknown text.
/// </summary>
public sealed class FixedLatencyTts : ITtsProvider
{
    public const int Rate = 16000;
    private readonly Dictionary<string, short[]> _speech;

    public FixedLatencyTts(Dictionary<string, short[]> speech) => _speech = speech;

    public string Name => "local";

    public static Dictionary<string, short[]> Record()
    {
        var speech = new Dictionary<string, short[]>(StringComparer.Ordinal);
        foreach (var sentence in Scenario.Sentences)
        {
            var (samples, rate) = Scenario.Speak(sentence, "slt");
            speech[sentence] = Scenario.Resample(samples, rate, Rate);
        }
        return speech;
    }

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        var samples = _speech.TryGetValue(text.Trim(), out var s) ? s : Tone(text.Length / 14.0);
        await Task.Delay(Scenario.TtsFirstByte, ct);
        var chunk = (int)(Rate * Scenario.TtsChunk.TotalSeconds);
        for (var i = 0; i < samples.Length; i += chunk)
        {
            if (i > 0) await Task.Delay(Scenario.TtsChunkInterval, ct);
            yield return new AudioChunk(samples.AsMemory(i, Math.Min(chunk, samples.Length - i)), Rate);
        }
    }

    private static short[] Tone(double seconds)
    {
        var samples = new short[(int)(Math.Max(0.2, seconds) * Rate)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(6000 * Math.Sin(2 * Math.PI * 440 * i / Rate));
        return samples;
    }
}
