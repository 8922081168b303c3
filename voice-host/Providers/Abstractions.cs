using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>A transcript from speech-to-text: interim while the user talks, final once per utterance.</summary>
public sealed record SttResult(string Text, bool IsFinal, double? Confidence = null);

/// <summary>
/// A speech-to-text provider. A session receives one utterance's audio at a time (16 kHz PCM16 mono) and
/// streams back results; <see cref="ISttSession.FinalizeAsync"/> marks the end of an utterance, after which the
/// session yields that utterance's final result. Streaming vendors send audio as it comes; batch vendors buffer it.
/// </summary>
public interface ISttProvider
{
    string Name { get; }
    ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct);
}

public interface ISttSession : IAsyncDisposable
{
    ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct);

    /// <summary>Ends the current utterance and returns its final transcript (empty when nothing was heard).</summary>
    ValueTask<SttResult> FinalizeAsync(CancellationToken ct);

    /// <summary>Interim results, if the vendor sends any; completes when the session closes.</summary>
    IAsyncEnumerable<SttResult> InterimResultsAsync(CancellationToken ct);
}

/// <summary>A streamed piece of an LLM reply: text, or the model's request to end the call.</summary>
public sealed record LlmDelta(string Text, bool EndCall = false);

public sealed record LlmRequest(Agent Agent, IReadOnlyList<ChatMessage> Messages);

public interface ILlmProvider
{
    string Name { get; }
    IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, CancellationToken ct);
}

/// <summary>A text-to-speech provider streaming PCM16 mono at <see cref="TtsAudio.SampleRate"/>.</summary>
public interface ITtsProvider
{
    string Name { get; }
    IAsyncEnumerable<AudioChunk> SynthesizeAsync(string text, TtsConfig config, string language, CancellationToken ct);
}

/// <summary>Thrown by a provider for a failure worth a retry or a fallback (network, 5xx, timeout, dropped stream).</summary>
public sealed class ProviderException(string provider, string message, Exception? inner = null)
    : Exception($"{provider}: {message}", inner)
{
    public string Provider { get; } = provider;
}
