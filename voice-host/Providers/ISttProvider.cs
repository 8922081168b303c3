using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers;

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
