using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VoiceAgents.VoiceHost.Providers.Local;

/// <summary>
/// libflite (Debian's flite 2.2), called so that any number of threads synthesize at once with no lock.
/// <para>
/// What syntheses share is each registered voice (a <c>cst_voice</c> and its feature list) and the CMU lexicon.
/// Registering writes both (<c>register_cmu_us_*</c> and <c>cmu_lex_init</c> test and set globals), so every voice is
/// registered once, all together under a lock, before the first synthesis; from then on a synthesis only reads them.
/// Its own settings (speed, the streaming callback) go into its utterance's features, which flite searches before the
/// voice's: <c>utt_init</c> links the voice's features behind the utterance's (<c>feat_link_into</c>, "used to make
/// things thread safe(r)"), and both the MLSA and the LPC vocoders read <c>streaming_info</c> from the utterance.
/// Setting them on the shared voice, as the old code did with <c>duration_stretch</c>, is a write that other threads
/// read mid-synthesis (and <c>feat_set</c> frees the value it replaces): that is why it needed a process-wide lock.
/// The rest of a synthesis works on the utterance's own objects; values flite shares between threads are
/// constants (reference count -1, never counted), and its regex matcher keeps its state per call.
/// </para>
/// <para>
/// Audio streams out through the <c>asc</c> callback every ~100 ms of speech as the vocoder makes it, so the first
/// audio comes before the utterance is done, and the callback's <c>CST_AUDIO_STREAM_STOP</c> ends the synthesis at
/// the next chunk when the call no longer wants it. What flite does before its first audio (text analysis and, for
/// the clustergen voices, predicting every frame's parameters) cannot be stopped; it grows with the utterance, which
/// <see cref="Processors.SpeechText"/> keeps short.
/// </para>
/// </summary>
internal static unsafe partial class Flite
{
    private const string Library = "libflite.so.1";
    private const int StreamContinue = 0, StreamStop = -1;

    private static readonly Lock RegisterGate = new();
    private static IReadOnlyDictionary<string, (IntPtr Voice, int SampleRate)>? _voices;
    private static IntPtr _uttSynth;

    // flite's feat_set keeps the name pointer it is given (it expects a C literal) in the feature list, and every
    // later lookup strcmp's it. A marshalled temporary dangled once the call returned and crashed the process
    // (segfault in feat_set) when its memory went away, so the names live in unmanaged memory for good.
    private static readonly IntPtr DurationStretch = Marshal.StringToCoTaskMemUTF8("duration_stretch");
    private static readonly IntPtr StreamingInfo = Marshal.StringToCoTaskMemUTF8("streaming_info");

    /// <summary>Synthesizes the job's text on this thread, handing its audio to the job as it comes.</summary>
    public static void Synthesize(SynthesisJob job)
    {
        var voices = Voices();
        if (!voices.TryGetValue(job.Voice, out var registered)) throw new ProviderException("local", $"unknown flite voice '{job.Voice}'");
        var (voice, sampleRate) = registered;
        var state = new CallbackState(job);
        var handle = GCHandle.Alloc(state);
        var utterance = Native.new_utterance();
        try
        {
            Native.utt_set_input_text(utterance, job.Text);
            var features = ((Utterance*)utterance)->Features;
            Native.feat_set_float(features, DurationStretch, (float)(1.0 / job.Speed));
            // Freed by flite with the utterance (delete_audio_streaming_info, through the value's type).
            var info = (StreamingInfoStruct*)Native.new_audio_streaming_info();
            info->MinBufferSize = sampleRate / 10;
            info->Callback = &OnAudio;
            info->UserData = GCHandle.ToIntPtr(handle);
            Native.feat_set(features, StreamingInfo, Native.audio_streaming_info_val((IntPtr)info));
            // flite_do_synth deletes the utterance itself when synthesis fails, and then returns null.
            var done = Native.flite_do_synth(utterance, voice, _uttSynth);
            if (done == IntPtr.Zero)
            {
                utterance = IntPtr.Zero;
                throw new ProviderException("local", "flite could not synthesize the text");
            }
            if (state.Error is { } error) throw new ProviderException("local", error.Message, error);
            // Every voice here streams; should one not, its whole wave is the audio.
            var wave = (Wave*)Native.utt_wave(utterance);
            if (!state.Streamed && wave is not null && wave->Samples is not null)
            {
                job.Deliver(new ReadOnlySpan<short>(wave->Samples, wave->NumSamples), wave->SampleRate);
            }
        }
        finally
        {
            if (utterance != IntPtr.Zero) Native.delete_utterance(utterance);
            handle.Free();
        }
    }

    /// <summary>The streaming callback: a chunk of the utterance's wave is ready (samples [start, start + size)).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnAudio(Wave* wave, int start, int size, int last, StreamingInfoStruct* info)
    {
        var state = (CallbackState)GCHandle.FromIntPtr(info->UserData).Target!;
        try
        {
            state.Streamed = true;
            return state.Job.Deliver(new ReadOnlySpan<short>(wave->Samples + start, size), wave->SampleRate) ? StreamContinue : StreamStop;
        }
        catch (Exception e)
        {
            // An exception must not unwind through flite's frames.
            state.Error = e;
            return StreamStop;
        }
    }

    /// <summary>Registers every voice once; a voice whose library is missing is left out.</summary>
    private static IReadOnlyDictionary<string, (IntPtr Voice, int SampleRate)> Voices()
    {
        if (Volatile.Read(ref _voices) is { } voices) return voices;
        lock (RegisterGate)
        {
            if (_voices is not null) return _voices;
            Native.flite_init();
            _uttSynth = NativeLibrary.GetExport(NativeLibrary.Load(Library), "utt_synth");
            var registered = new Dictionary<string, (IntPtr, int)>();
            foreach (var (name, register) in new (string, Func<IntPtr>)[]
            {
                ("slt", () => Native.register_cmu_us_slt(IntPtr.Zero)),
                ("kal16", () => Native.register_cmu_us_kal16(IntPtr.Zero)),
                ("rms", () => Native.register_cmu_us_rms(IntPtr.Zero)),
                ("awb", () => Native.register_cmu_us_awb(IntPtr.Zero)),
                ("kal", () => Native.register_cmu_us_kal(IntPtr.Zero)),
            })
            {
                try
                {
                    var voice = register();
                    // cst_voice { const char *name; cst_features *features; ... }: the voice's own sample rate.
                    registered[name] = (voice, Native.get_param_int(Marshal.ReadIntPtr(voice, IntPtr.Size), "sample_rate", 16000));
                }
                catch (DllNotFoundException)
                {
                }
            }
            Volatile.Write(ref _voices, registered);
            return registered;
        }
    }

    private sealed class CallbackState(SynthesisJob job)
    {
        public SynthesisJob Job { get; } = job;
        public bool Streamed { get; set; }
        public Exception? Error { get; set; }
    }

    // The C structs read here, laid out as on 64-bit Linux.
    [StructLayout(LayoutKind.Sequential)]
    private struct Utterance
    {
        public IntPtr Features;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Wave
    {
        public IntPtr Type;
        public int SampleRate;
        public int NumSamples;
        public int NumChannels;
        public short* Samples;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct StreamingInfoStruct
    {
        public int MinBufferSize;
        public delegate* unmanaged[Cdecl]<Wave*, int, int, int, StreamingInfoStruct*, int> Callback;
        public IntPtr Utterance;
        public IntPtr Item;
        public IntPtr UserData;
    }

    private static partial class Native
    {
        [LibraryImport(Library)] public static partial int flite_init();
        [LibraryImport(Library)] public static partial IntPtr new_utterance();
        [LibraryImport(Library)] public static partial void delete_utterance(IntPtr utterance);
        [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int utt_set_input_text(IntPtr utterance, string text);
        [LibraryImport(Library)] public static partial IntPtr utt_wave(IntPtr utterance);
        [LibraryImport(Library)] public static partial IntPtr flite_do_synth(IntPtr utterance, IntPtr voice, IntPtr synth);
        [LibraryImport(Library)] public static partial void feat_set(IntPtr features, IntPtr name, IntPtr value);
        [LibraryImport(Library)] public static partial void feat_set_float(IntPtr features, IntPtr name, float value);
        [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int get_param_int(IntPtr features, string name, int fallback);
        [LibraryImport(Library)] public static partial IntPtr new_audio_streaming_info();
        [LibraryImport(Library)] public static partial IntPtr audio_streaming_info_val(IntPtr info);
        [LibraryImport("libflite_cmu_us_slt.so.1")] public static partial IntPtr register_cmu_us_slt(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_kal16.so.1")] public static partial IntPtr register_cmu_us_kal16(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_rms.so.1")] public static partial IntPtr register_cmu_us_rms(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_awb.so.1")] public static partial IntPtr register_cmu_us_awb(IntPtr voxdir);
        [LibraryImport("libflite_cmu_us_kal.so.1")] public static partial IntPtr register_cmu_us_kal(IntPtr voxdir);
    }
}
