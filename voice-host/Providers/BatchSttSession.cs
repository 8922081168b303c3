using System.Runtime.CompilerServices;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// A speech-to-text session for batch vendors: an utterance's audio is buffered and sent in one request when the
/// utterance is finalized. No interim results. Audio of the next utterance may arrive while one is being
/// transcribed; each finalize takes only what came before it.
/// </summary>
public sealed class BatchSttSession(Func<ReadOnlyMemory<short>, CancellationToken, Task<SttResult>> transcribe) : ISttSession
{
    /// <summary>Utterances shorter than this (100 ms) are not worth a request.</summary>
    public const int MinSamples = 1600;

    /// <summary>Synchronous recognition APIs take about a minute of audio; longer speech is cut, not buffered without bound.</summary>
    public const int MaxSamples = 16000 * 60;

    private readonly Lock _gate = new();
    private short[] _buffer = new short[16000 * 4];
    private int _length;

    public ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct)
    {
        lock (_gate)
        {
            var take = Math.Min(MaxSamples - _length, pcm16k.Length);
            if (take <= 0) return ValueTask.CompletedTask;
            if (_length + take > _buffer.Length) Array.Resize(ref _buffer, Math.Min(MaxSamples, Math.Max(_buffer.Length * 2, _length + take)));
            pcm16k.Span[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask<SttResult> FinalizeAsync(CancellationToken ct)
    {
        short[] audio;
        int length;
        lock (_gate)
        {
            (audio, length) = (_buffer, _length);
            _buffer = new short[16000 * 4];
            _length = 0;
        }
        if (length < MinSamples) return new SttResult("", true);
        return await transcribe(audio.AsMemory(0, length), ct);
    }

    public async IAsyncEnumerable<SttResult> InterimResultsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        yield break;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
