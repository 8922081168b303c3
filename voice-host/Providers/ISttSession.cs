namespace VoiceAgents.VoiceHost.Providers;

/// <summary>One call's connection to a speech-to-text provider (see <see cref="ISttProvider"/>).</summary>
public interface ISttSession : IAsyncDisposable
{
    ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct);

    /// <summary>Ends the current utterance and returns its final transcript (empty when nothing was heard).</summary>
    ValueTask<SttResult> FinalizeAsync(CancellationToken ct);

    /// <summary>Interim results, if the vendor sends any; completes when the session closes.</summary>
    IAsyncEnumerable<SttResult> InterimResultsAsync(CancellationToken ct);
}
