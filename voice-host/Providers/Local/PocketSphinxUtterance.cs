using System.Threading.Channels;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// One utterance decoded as its audio arrives: its first audio reserves a slot in the provider's pool, and a pump
/// feeds each new stretch to the slot's decoder (<c>ps_process_raw</c>) and, every <see cref="InterimEverySamples"/> of audio, reads the best
/// hypothesis so far and writes it out as an interim result with how much audio it has heard, changed or not: a
/// turn detector waits for an interim that has heard the end of the caller's speech. Finishing decodes only what is left and
/// ends the utterance, so the transcript is ready soon after the turn ends. With every slot taken the audio is
/// buffered and the next audio tries again; one that never got a decoder is decoded whole at the end.
/// When the provider's final is not the streamed one, or this utterance has no streamed decode (every decoder was
/// busy), the transcript is a pass over the whole turn, begun as soon as the caller pauses (<see cref="Paused"/>): the
/// turn's end waits a while longer in silence to be sure (300 to 1,500 ms), and the pass runs meanwhile, so the
/// transcript is ready when the turn ends, or sooner than if it began then. Speech after the pause voids it
/// (<see cref="Resumed"/>), and the next pause begins another. A pause that says when a fixed turn will end begins
/// no pass that could not be ready by then (<see cref="PocketSphinxStt.PassSecondsPerSecond"/>): a long turn's
/// transcript is the streamed decode's, ready within tens of milliseconds, rather than a pass that would keep the
/// caller waiting. The choice hangs on the turn's length only, never on the load.
/// </summary>
/// <param name="offset">Samples the session had before this utterance, so its interims' HeardUntil counts from the session's start.</param>
internal sealed class PocketSphinxUtterance(PocketSphinxStt owner, ChannelWriter<SttResult> interims, long offset)
{
    /// <summary>An interim at most every 200 ms of audio: reading the hypothesis walks the search's back-pointers.</summary>
    public const int InterimEverySamples = 3_200;
    private const int MaxSamples = 16_000 * 60;
    private readonly Lock _gate = new();
    private short[] _buffer = new short[16_000 * 4];
    private int _length;
    private int _processed;
    private int _sinceInterim;
    // Set at a pause: the next stretch gives an interim at once, having heard all the audio until then.
    private bool _interimNow;
    // Set once the utterance is being finished: no pump starts after that, so the finish has the decoder to itself.
    private bool _finishing;
    // Whether this utterance holds a slot: taken on the caller's thread as audio comes, so a pause right after the
    // first audio already knows the utterance streams, however late the pump first runs. The pump takes the decoder.
    private bool _reserved;
    private IntPtr _decoder;
    private bool _pumping;
    private Task _pump = Task.CompletedTask;
    private EarlyPass? _early;
    // Set at a pause whose pass could not be ready by the fixed turn's end: the turn's end takes the streamed decode's.
    private bool _noTimeForPass;

    /// <summary>The whole-turn pass begun at a pause: over the audio until then, which is the whole turn if no speech follows.</summary>
    private sealed record EarlyPass(Task<string> Text, CancellationTokenSource Void);

    /// <summary>
    /// The caller paused: an interim comes at once, and, unless the transcript will be the streamed decode's, the
    /// whole-turn pass over the audio so far begins now (see the class). <paramref name="turnEndsIn"/>: when a fixed
    /// turn will end if the silence goes on.
    /// </summary>
    public void Paused(TimeSpan? turnEndsIn)
    {
        lock (_gate)
        {
            if (_finishing) return;
            _interimNow = true;
            // An utterance that streamed nothing takes no slot at the pause: the whole turn's pass below decodes the same
            // audio, with its second pass, on the slot a stream would have taken.
            if (_reserved) StartPump();
            if ((owner.StreamedFinal && _reserved) || owner.Closing || _length < 1_600) return;
            // A pass begun at an earlier pause is out of date: this one covers more.
            _early?.Void.Cancel();
            _early = null;
            // Without a streamed decode the pass is the only transcript there is, late or not.
            _noTimeForPass = _reserved && turnEndsIn is { } left && _length / 16_000.0 * PocketSphinxStt.PassSecondsPerSecond > left.TotalSeconds;
            if (_noTimeForPass)
            {
                owner.PassTooLong();
                return;
            }
            var cancel = new CancellationTokenSource();
            // Appends never touch what is already in the buffer, and a grown buffer is a copy: the pass reads a fixed stretch.
            var text = owner.DecodeAsync(_buffer, _length, cancel.Token);
            // A pass voided before it finished is not awaited by anyone: its failure (or cancellation) is observed here.
            _ = text.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
            _early = new EarlyPass(text, cancel);
        }
    }

    /// <summary>The caller spoke again: the pass begun at the pause is out of date (one still waiting for a decoder is dropped).</summary>
    public void Resumed()
    {
        lock (_gate)
        {
            _early?.Void.Cancel();
            _early = null;
            _noTimeForPass = false;
        }
    }

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
            StartPump();
        }
    }

    /// <summary>
    /// Decodes what is left and ends the utterance; its text, or "" when it was too short to hold speech. A
    /// <paramref name="quick"/> one (<see cref="ISttSession.FinalizeQuicklyAsync"/>) is the streamed decode's, ready
    /// within tens of milliseconds, unless the whole turn's pass begun at the pause is ready already.
    /// </summary>
    public async Task<string> FinishAsync(bool quick, CancellationToken ct)
    {
        lock (_gate)
        {
            _finishing = true;
            quick |= _noTimeForPass;
        }
        await PumpedAsync();
        short[] buffer;
        int length;
        EarlyPass? early;
        lock (_gate)
        {
            (buffer, length, early) = (_buffer, _length, _early);
            _early = null;
        }
        if (owner.Closing && early is not null)
        {
            // A closing provider starts no decode: the streamed decoder (if any) finishes the turn.
            early.Void.Cancel();
            early = null;
        }
        // The streamed decode gives the transcript when the provider says so and no whole-turn pass was begun (one is
        // begun at a pause only when there was no streamed decode then), and when the provider is closing.
        // A quick transcript is the streamed decode's unless the pass begun at the pause is ready: one still waiting for
        // a decoder is dropped (before the streamed decoder goes back, which it would take), one decoding runs to its end
        // unread (native work does not stop).
        var quickStream = quick && _decoder != IntPtr.Zero && early is not { Text.IsCompletedSuccessfully: true };
        if (quickStream && early is not null)
        {
            early.Void.Cancel();
            early = null;
        }
        var streamedFinal = owner.Closing || (owner.StreamedFinal && early is null) || quickStream;
        if (_decoder != IntPtr.Zero && !streamedFinal)
        {
            // The streamed decode gave the interims; the transcript is the whole turn's pass. Ending the streamed
            // utterance is off the turn's path, and its decoder goes back once that is done.
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
        if (early is not null)
        {
            try
            {
                return await early.Text.WaitAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The pass failed (or the provider began closing before it had a decoder): the turn's own pass below.
                if (owner.Closing && _decoder == IntPtr.Zero) throw;
            }
        }
        if (_decoder == IntPtr.Zero) return length < 1_600 ? "" : await owner.DecodeAsync(buffer, length, ct);
        // Once started, the native work runs to its end whatever ct says: the decoder goes back only when it is idle.
        var text = await Task.Run(() =>
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
        owner.StreamedTranscript();
        return text;
    }

    /// <summary>Gives the decoder back without a transcript (the session closed mid-turn).</summary>
    public async Task AbandonAsync()
    {
        Resumed();
        lock (_gate) _finishing = true;
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

    /// <summary>Reserves a slot if it has none and starts the pump unless it runs or the utterance is being finished; under <see cref="_gate"/>.</summary>
    private void StartPump()
    {
        if (_finishing) return;
        _reserved = _reserved || owner.TryReserve();
        if (!_reserved || _pumping) return;
        _pumping = true;
        _pump = Task.Run(Pump);
    }

    private void Pump()
    {
        if (_decoder == IntPtr.Zero && !TakeDecoder()) return;
        while (true)
        {
            short[] buffer;
            int from, to;
            bool now;
            lock (_gate)
            {
                if (_processed >= _length && !_interimNow)
                {
                    _pumping = false;
                    return;
                }
                // Appends never touch what is already in the buffer, and a grown buffer is a copy: this stretch stays as it is.
                (buffer, from, to) = (_buffer, _processed, _length);
                // This stretch reaches all the audio so far: its interim has heard everything until the pause.
                (now, _interimNow) = (_interimNow, false);
            }
            try
            {
                if (from == 0 && to > 0 && PocketSphinxStt.Native.ps_start_utt(_decoder) < 0) throw new ProviderException("local", "ps_start_utt failed");
                Process(buffer, from, to);
                _sinceInterim += to - from;
                if (_sinceInterim < InterimEverySamples && !now) continue;
                _sinceInterim = 0;
                var text = PocketSphinxStt.Hypothesis(_decoder).Trim();
                if (text.Length == 0) continue;
                interims.TryWrite(new SttResult(text, false, HeardUntil: TimeSpan.FromSeconds((double)(offset + to) / 16_000)));
            }
            catch
            {
                lock (_gate) _pumping = false;
                throw;
            }
        }
    }

    /// <summary>The reserved slot's decoder; without one (the provider closing, or the model failing to load) the slot goes back and the turn is decoded whole.</summary>
    private bool TakeDecoder()
    {
        try
        {
            _decoder = owner.TakeReserved();
        }
        finally
        {
            if (_decoder == IntPtr.Zero)
            {
                lock (_gate) (_reserved, _pumping) = (false, false);
                owner.Unreserve();
            }
        }
        return _decoder != IntPtr.Zero;
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
