using System.Runtime.CompilerServices;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.Tests.Voice;

/// <summary>Says any text as <paramref name="seconds"/> of a 440 Hz tone at 16 kHz, at once, in 100 ms chunks.</summary>
public sealed class ToneTts(double seconds) : ITtsProvider
{
    private const int Rate = 16000;

    public string Name => "tone";

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        var samples = new short[(int)(Rate * seconds)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / Rate));
        for (var i = 0; i < samples.Length; i += 1600)
        {
            ct.ThrowIfCancellationRequested();
            yield return new AudioChunk(samples.AsMemory(i, Math.Min(1600, samples.Length - i)), Rate);
            await Task.Yield();
        }
    }
}
