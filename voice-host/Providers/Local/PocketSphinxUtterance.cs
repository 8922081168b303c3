using System.Threading.Channels;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// One utterance decoded as its audio arrives: a pump feeds each new stretch to a decoder rented from the
/// provider's pool (<c>ps_process_raw</c>) and, every <see cref="InterimEverySamples"/> of audio, reads the best
/// hypothesis so far, written out as an interim result when it changed. Finishing decodes only what is left and
/// ends the utterance, so the transcript is ready soon after the turn ends. With every decoder busy the audio is
/// buffered and the pump tries again with the next audio; one that never got a decoder is decoded whole at the end.
/// </summary>
internal sealed class PocketSphinxUtterance(PocketSphinxStt owner, ChannelWriter<SttResult> interims)
{
    /// <summary>An interim at most every 200 ms of audio: reading the hypothesis walks the search's back-pointers.</summary>
    public const int InterimEverySamples = 3_200;
    private const int MaxSamples = 16_000 * 60;
    private readonly Lock _gate = new();
    private short[] _buffer = new short[16_000 * 4];
    private int _length;
    private int _processed;
    private int _sinceInterim;
    private string _lastInterim = "";
    private IntPtr _decoder;
    private bool _pumping;
    private Task _pump = Task.CompletedTask;

    public void Add(ReadOnlySpan<short> pcm)
    {
        lock (_gate)
        {
            // An utterance is capped at 60 s; longer speech is cut, not buffered without bound.
            var take = Math.Min(MaxSamples - _length, pcm.Length);
            if (take <= 0) return;
            if (_length + take > _buffer.Length) Array.Resize(ref _buffer, Math.Min(MaxSamples, Math.Max(_buffer.Length * 2, _length + take)));
            pcm[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            if (_pumping) return;
            _pumping = true;
            _pump = Task.Run(Pump);
        }
    }

    /// <summary>Decodes what is left and ends the utterance; its text, or "" when it was too short to hold speech.</summary>
    public async Task<string> FinishAsync(CancellationToken ct)
    {
        await PumpedAsync();
        short[] buffer;
        int length;
        lock (_gate) (buffer, length) = (_buffer, _length);
        if (_decoder != IntPtr.Zero && !owner.StreamedFinal && !owner.Closing)
        {
            // The streamed decode gave the interims; the transcript is the whole turn's pass. Ending the streamed
            // utterance (its own second pass) is off the turn's path, and its decoder goes back once that is done.
            var streamed = _decoder;
            _decoder = IntPtr.Zero;
            _ = Task.Run(() =>
            {
                try
                {
                    PocketSphinxStt.Native.ps_end_utt(streamed);
                }
                finally
                {
                    owner.Return(streamed);
                }
            }, CancellationToken.None);
        }
        if (_decoder == IntPtr.Zero) return length < 1_600 ? "" : await owner.DecodeAsync(buffer, length, ct);
        // Once started, the native work runs to its end whatever ct says: the decoder goes back only when it is idle.
        return await Task.Run(() =>
        {
            try
            {
                Process(buffer, _processed, length);
                PocketSphinxStt.Native.ps_end_utt(_decoder);
                return length < 1_600 ? "" : PocketSphinxStt.Hypothesis(_decoder);
            }
            finally
            {
                owner.Return(_decoder);
                _decoder = IntPtr.Zero;
            }
        }, CancellationToken.None).WaitAsync(ct);
    }

    /// <summary>Gives the decoder back without a transcript (the session closed mid-turn).</summary>
    public async Task AbandonAsync()
    {
        await PumpedAsync();
        if (_decoder == IntPtr.Zero) return;
        PocketSphinxStt.Native.ps_end_utt(_decoder);
        owner.Return(_decoder);
        _decoder = IntPtr.Zero;
    }

    private async Task PumpedAsync()
    {
        while (true)
        {
            Task pump;
            lock (_gate)
            {
                if (!_pumping) return;
                pump = _pump;
            }
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Pump()
    {
        while (true)
        {
            short[] buffer;
            int from, to;
            lock (_gate)
            {
                if (_processed == _length || (_decoder == IntPtr.Zero && !owner.TryRent(out _decoder)))
                {
                    _pumping = false;
                    return;
                }
                // Appends never touch what is already in the buffer, and a grown buffer is a copy: this stretch stays as it is.
                (buffer, from, to) = (_buffer, _processed, _length);
            }
            try
            {
                if (from == 0 && PocketSphinxStt.Native.ps_start_utt(_decoder) < 0) throw new ProviderException("local", "ps_start_utt failed");
                Process(buffer, from, to);
                _sinceInterim += to - from;
                if (_sinceInterim < InterimEverySamples) continue;
                _sinceInterim = 0;
                var text = PocketSphinxStt.Hypothesis(_decoder).Trim();
                if (text.Length == 0 || text == _lastInterim) continue;
                _lastInterim = text;
                interims.TryWrite(new SttResult(text, false));
            }
            catch
            {
                lock (_gate) _pumping = false;
                throw;
            }
        }
    }

    private unsafe void Process(short[] buffer, int from, int to)
    {
        if (to <= from) return;
        fixed (short* p = &buffer[from])
        {
            PocketSphinxStt.Native.ps_process_raw(_decoder, p, (nuint)(to - from), 0, 0);
        }
        _processed = to;
    }
}
