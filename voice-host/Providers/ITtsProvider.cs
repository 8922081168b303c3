using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A text-to-speech provider streaming PCM16 mono, each chunk at the rate it names.</summary>
public interface ITtsProvider
{
    string Name { get; }
    IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, CancellationToken ct);
}
