using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// Offline speech-to-text with CMU PocketSphinx and Debian's <c>pocketsphinx-en-us</c> model, through the C
/// library. Decoders are expensive (the model is loaded per decoder), so a small pool serves all calls: a session
/// rents one for each utterance and decodes the audio as it arrives, with interim results
/// (<see cref="PocketSphinxUtterance"/>); when every decoder is busy the utterance is decoded in one pass when the
/// turn ends (<see cref="DecodeAsync"/>), begun when the caller pauses (<see cref="ISttSession.SpeechPaused()"/>)
/// rather than when the pause has ended the turn.
/// </summary>
public sealed partial class PocketSphinxStt : ISttProvider, IDescribedProvider, IDisposable
{
    public const string ModelDir = "/usr/share/pocketsphinx/model/en-us";
    // Idle decoders of the two kinds: whole-turn passes (with the fwdflat second pass unless it is off) and streamed
    // utterances, with no second pass unless asked (see the constructor). A second pass at the end of a streamed
    // decode that gives only interims would cost a whole pass over the turn, on the cores the turn's own pass needs,
    // for nothing. The slots bound both kinds together.
    private readonly ConcurrentBag<IntPtr> _idle = new();
    private readonly ConcurrentBag<IntPtr> _streamIdle = new();
    private readonly SemaphoreSlim _slots;
    private readonly int _poolSize;
    private readonly bool _secondPass;
    private readonly bool _streamedSecondPass;
    private int _inFlight;
    private volatile bool _disposed;

    // The C library logs through one process-wide FILE*, which "-logfn" reopens (closing the old one) inside
    // ps_init: a decoder created while another thread logged, or two created at once, could write to a closed
    // FILE* and crash the process. So logging is switched off once per process and decoders are made one at a time.
    private static readonly Lock CreateGate = new();
    private static bool _loggingOff;

    /// <param name="poolSize">Decoders are per instance and created one at a time (CreateGate); at most this many decode at once.</param>
    /// <param name="secondPass">The flat-lexicon second pass (<c>-fwdflat</c>) in a whole-turn pass.</param>
    /// <param name="streamedFinal">
    /// Whether a turn's transcript is the streamed decode's (ready as soon as the last audio is decoded) or, by
    /// default, one pass over the whole turn, begun at the caller's pause (the streamed decode then gives only the
    /// interims). bench/Turns measures them side by side: over its set the streamed one without a second pass had the
    /// lowest word error rate (15.1 % against 15.5 % for the pass begun at the pause) and its transcript 14 ms after
    /// the turn's end at the median, against 336 ms. But it heard the platform's own demo sentence, "I would like to
    /// book a table for two", as "... to a buffet table for two" (LastWordsTests), and with its second pass a browser
    /// caller's "book a table" as "but a table" (WidgetTests); the whole turn's pass hears both right.
    /// </param>
    /// <param name="streamedSecondPass">Whether a streamed utterance whose transcript is used ends with the second pass over all of it.</param>
    public PocketSphinxStt(int poolSize = 0, bool secondPass = true, bool streamedFinal = false, bool streamedSecondPass = false)
    {
        _secondPass = secondPass;
        _streamedSecondPass = streamedFinal && streamedSecondPass;
        StreamedFinal = streamedFinal;
        _poolSize = poolSize > 0 ? poolSize : Math.Max(2, Environment.ProcessorCount);
        _slots = new SemaphoreSlim(_poolSize);
    }

    /// <summary>Whether a turn's transcript is the streamed decode's (see the constructor).</summary>
    public bool StreamedFinal { get; }

    /// <summary>Disposing: no new decode starts, so an utterance under way finishes on its streamed decoder.</summary>
    public bool Closing => _disposed;

    /// <summary>Decodes running now, for tests.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Slots taken now, by decodes or by streamed utterances waiting for their decoder, for tests.</summary>
    public int SlotsInUse => _poolSize - _slots.CurrentCount;

    /// <summary>Whole-turn decodes begun since the provider was made (a turn's own, or one begun at a pause), for tests and benches.</summary>
    public int WholeTurnDecodes => Volatile.Read(ref _wholeTurnDecodes);

    private int _wholeTurnDecodes;

    /// <summary>Whole-turn decodes that got a decoder and ran (a pass voided while it waited for one never does), for tests.</summary>
    public int WholeTurnDecodesRun => Volatile.Read(ref _wholeTurnDecodesRun);

    private int _wholeTurnDecodesRun;

    /// <summary>
    /// What a whole-turn pass costs per second of audio, for deciding at a pause whether one begun then would be
    /// ready when a fixed turn ends: the en-us model with its second pass decodes speech at 0.10–0.13 of real time on
    /// one of this machine's cores once warm (flite sentences of 2.7–7 s, silence cheaper), so 0.15 leaves a margin.
    /// A constant, not a measurement of the moment: which transcript a turn gets must not hang on the load.
    /// </summary>
    public const double PassSecondsPerSecond = 0.15;

    /// <summary>Pauses at which no pass was begun because it could not be ready by the fixed turn's end, for tests and benches.</summary>
    public int PassesTooLong => Volatile.Read(ref _passesTooLong);

    private int _passesTooLong;

    internal void PassTooLong() => Interlocked.Increment(ref _passesTooLong);

    /// <summary>Turns whose transcript was the streamed decode's, for tests and benches.</summary>
    public int StreamedTranscripts => Volatile.Read(ref _streamedTranscripts);

    private int _streamedTranscripts;

    internal void StreamedTranscript() => Interlocked.Increment(ref _streamedTranscripts);

    public static ProviderDescriptor Descriptor { get; } = new ProviderDescriptor<PocketSphinxStt>
    {
        Info = new("local", "PocketSphinx (offline)", Offline: true, [
            new("language", "string", "Only US English (en is taken as en-US)", ["en-US"], Closed: true, Regions: true)]),
        Order = 40,
        Available = () => IsAvailable,
    };

    public string Name => Descriptor.Name;

    public static bool IsAvailable => Directory.Exists(ModelDir) && NativeLibrary.TryLoad("libpocketsphinx.so.3", out _);

    public ValueTask<ISttSession> ConnectAsync(SttConfig config, CancellationToken ct) => ValueTask.FromResult<ISttSession>(new Session(this));

    /// <summary>Decodes one utterance of 16 kHz PCM16.</summary>
    public async Task<string> DecodeAsync(short[] samples, int length, CancellationToken ct)
    {
        Interlocked.Increment(ref _wholeTurnDecodes);
        await _slots.WaitAsync(ct);
        var decoder = IntPtr.Zero;
        try
        {
            // A wait cancelled just as a slot came free can still return holding it (SemaphoreSlim removes a cancelled
            // waiter only once its continuation runs): a pass voided meanwhile gives the slot back without decoding.
            ct.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed, this);
            decoder = _idle.TryTake(out var d) ? d : Create(_secondPass);
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _wholeTurnDecodesRun);
            // Once started, the native decode runs to its end whatever ct says: the decoder goes back only when it is idle.
            return await Task.Run(() => Decode(decoder, samples, length), ct);
        }
        finally
        {
            if (decoder != IntPtr.Zero)
            {
                Interlocked.Decrement(ref _inFlight);
                _idle.Add(decoder);
            }
            _slots.Release();
        }
    }

    /// <summary>
    /// Takes a slot for a streamed utterance if one is free now: cheap, so it is taken as the utterance's audio comes,
    /// and whether the utterance streams is known at once rather than when its pump first runs. Its decoder comes with
    /// <see cref="TakeReserved"/>; the slot goes back with <see cref="Return"/>, or <see cref="Unreserve"/> without one.
    /// </summary>
    internal bool TryReserve() => !_disposed && _slots.Wait(0);

    /// <summary>A decoder for a reserved slot (loading the model when none is idle); none once the provider is closing, when the caller unreserves.</summary>
    internal IntPtr TakeReserved()
    {
        if (_disposed) return IntPtr.Zero;
        var decoder = _streamIdle.TryTake(out var d) ? d : Create(_streamedSecondPass);
        Interlocked.Increment(ref _inFlight);
        return decoder;
    }

    /// <summary>Gives back a slot from <see cref="TryReserve"/> that never got its decoder.</summary>
    internal void Unreserve() => _slots.Release();

    /// <summary>Gives back a decoder from <see cref="TakeReserved"/>, idle (its utterance ended), and its slot.</summary>
    internal void Return(IntPtr decoder)
    {
        Interlocked.Decrement(ref _inFlight);
        _streamIdle.Add(decoder);
        _slots.Release();
    }

    internal static string Hypothesis(IntPtr decoder)
    {
        var hyp = Native.ps_get_hyp(decoder, out _);
        return hyp == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(hyp) ?? "";
    }

    private static string Decode(IntPtr decoder, short[] samples, int length)
    {
        if (Native.ps_start_utt(decoder) < 0) throw new ProviderException("local", "ps_start_utt failed");
        unsafe
        {
            fixed (short* p = samples)
            {
                Native.ps_process_raw(decoder, p, (nuint)length, 0, 1);
            }
        }
        Native.ps_end_utt(decoder);
        return Hypothesis(decoder);
    }

    private IntPtr Create(bool secondPass)
    {
        string[] args =
        [
            "-hmm", $"{ModelDir}/en-us",
            "-lm", $"{ModelDir}/en-us.lm.bin",
            "-dict", $"{ModelDir}/cmudict-en-us.dict",
            "-samprate", "16000",
            "-fwdflat", secondPass ? "yes" : "no",
        ];
        var argv = args.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        try
        {
            lock (CreateGate)
            {
                if (!_loggingOff)
                {
                    Native.err_set_logfp(IntPtr.Zero);
                    _loggingOff = true;
                }
                return CreateDecoder(argv);
            }
        }
        finally
        {
            foreach (var a in argv) Marshal.FreeCoTaskMem(a);
        }
    }

    private IntPtr CreateDecoder(IntPtr[] argv)
    {
        var config = Native.cmd_ln_parse_r(IntPtr.Zero, Native.ps_args(), argv.Length, argv, 1);
        if (config == IntPtr.Zero) throw new ProviderException("local", "invalid PocketSphinx configuration");
        var decoder = Native.ps_init(config);
        if (decoder == IntPtr.Zero) throw new ProviderException("local", $"cannot load the PocketSphinx model from {ModelDir}");
        return decoder;
    }

    /// <summary>
    /// Frees the decoders once no decode uses them. Freeing one under <c>ps_process_raw</c> (a call still decoding as
    /// the host stops) crashed the whole process with a general protection fault in libpocketsphinx, so this waits for
    /// the decodes in flight (taking every slot), refuses new ones, and frees only idle decoders: one still busy after
    /// the wait is left to the process's exit.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var taken = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (taken < _poolSize && _slots.Wait(Max(deadline - DateTime.UtcNow))) taken++;
        while (_idle.TryTake(out var decoder)) Native.ps_free(decoder);
        while (_streamIdle.TryTake(out var decoder)) Native.ps_free(decoder);
        // Decodes waiting for a slot go on to find the provider disposed.
        if (taken > 0) _slots.Release(taken);
    }

    private static TimeSpan Max(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;

    private sealed class Session(PocketSphinxStt owner) : ISttSession
    {
        private readonly Channel<SttResult> _interims = Channel.CreateUnbounded<SttResult>(new UnboundedChannelOptions { SingleReader = true });
        private PocketSphinxUtterance? _utterance;
        // Samples sent in the session before now: where the next utterance begins, for its interims' HeardUntil.
        private long _sent;

        public ValueTask SendAudioAsync(ReadOnlyMemory<short> pcm16k, CancellationToken ct)
        {
            (_utterance ??= new PocketSphinxUtterance(owner, _interims.Writer, _sent)).Add(pcm16k.Span);
            _sent += pcm16k.Length;
            return ValueTask.CompletedTask;
        }

        public ValueTask<SttResult> FinalizeAsync(CancellationToken ct) => FinalizeAsync(quick: false, ct);

        public ValueTask<SttResult> FinalizeQuicklyAsync(CancellationToken ct) => FinalizeAsync(quick: true, ct);

        private async ValueTask<SttResult> FinalizeAsync(bool quick, CancellationToken ct)
        {
            // Taken before any wait: the next turn's audio starts a new utterance meanwhile.
            var utterance = Interlocked.Exchange(ref _utterance, null);
            if (utterance is null) return new SttResult("", true);
            return new SttResult((await utterance.FinishAsync(quick, ct)).Trim(), true);
        }

        public void SpeechPaused() => Volatile.Read(ref _utterance)?.Paused(null);

        public void SpeechPaused(TimeSpan turnEndsIn) => Volatile.Read(ref _utterance)?.Paused(turnEndsIn);

        public void SpeechResumed() => Volatile.Read(ref _utterance)?.Resumed();

        public IAsyncEnumerable<SttResult> InterimResultsAsync(CancellationToken ct) => _interims.Reader.ReadAllAsync(ct);

        public async ValueTask DisposeAsync()
        {
            _interims.Writer.TryComplete();
            if (Interlocked.Exchange(ref _utterance, null) is { } utterance) await utterance.AbandonAsync();
        }
    }

    internal static unsafe partial class Native
    {
        private const string Lib = "libpocketsphinx.so.3";
        private const string Base = "libsphinxbase.so.3";

        [LibraryImport(Lib)] public static partial IntPtr ps_args();
        [LibraryImport(Base)] public static partial IntPtr cmd_ln_parse_r(IntPtr inout, IntPtr defn, int argc, IntPtr[] argv, int strict);
        [LibraryImport(Lib)] public static partial IntPtr ps_init(IntPtr config);
        [LibraryImport(Lib)] public static partial int ps_start_utt(IntPtr ps);
        [LibraryImport(Lib)] public static partial int ps_process_raw(IntPtr ps, short* data, nuint samples, int noSearch, int fullUtt);
        [LibraryImport(Lib)] public static partial int ps_end_utt(IntPtr ps);
        [LibraryImport(Lib)] public static partial IntPtr ps_get_hyp(IntPtr ps, out int score);
        [LibraryImport(Lib)] public static partial int ps_free(IntPtr ps);
        /// <summary>NULL switches the library's logging off.</summary>
        [LibraryImport(Base)] public static partial void err_set_logfp(IntPtr stream);
    }
}
