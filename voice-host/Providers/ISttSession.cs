namespace VoiceAgents.VoiceHost.Providers;

/// <summary>One call's connection to a speech-to-text provider (see <see cref="ISttProvider"/>).</summary>
public interface ISttSession : IAsyncDisposable
{
    ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct);

    /// <summary>Ends the current utterance and returns its final transcript (empty when nothing was heard).</summary>
    ValueTask<SttResult> FinalizeAsync(CancellationToken ct);

    /// <summary>
    /// Like <see cref="FinalizeAsync"/>, for a turn that ended early to be answered sooner (an adaptive turn end): the
    /// transcript the provider has soonest, when its most accurate one would take longer. Most have only one.
    /// </summary>
    ValueTask<SttResult> FinalizeQuicklyAsync(CancellationToken ct) => FinalizeAsync(ct);

    /// <summary>
    /// The caller paused: the VAD heard silence in the utterance. A provider may begin the utterance's final
    /// transcript now, so that it is ready, or nearly, when the pause turns out to end the turn. None has to.
    /// </summary>
    void SpeechPaused()
    {
    }

    /// <summary>
    /// Like <see cref="SpeechPaused()"/>, when the turn will end after <paramref name="turnEndsIn"/> more silence (a
    /// fixed turn end): a provider whose most accurate transcript is slow begins it only if it can be ready by then,
    /// and otherwise gives the one it has soonest when the turn ends.
    /// </summary>
    void SpeechPaused(TimeSpan turnEndsIn) => SpeechPaused();

    /// <summary>The caller spoke again in the same utterance: whatever <see cref="SpeechPaused()"/> began is out of date.</summary>
    void SpeechResumed()
    {
    }

    /// <summary>Interim results, if the vendor sends any; completes when the session closes.</summary>
    IAsyncEnumerable<SttResult> InterimResultsAsync(CancellationToken ct);
}
