using System.Runtime.InteropServices;

namespace VoiceAgents.VoiceHost.Audio;

/// <summary>
/// The part of libsoxr's C API (<c>soxr.h</c>, Debian's libsoxr0) that <see cref="Resampler"/> uses: mono PCM16 in
/// and out, a quality recipe, no dither. The one binding of the library in the repository; the benches use it through
/// <see cref="Resampler"/> too.
/// </summary>
internal static partial class Soxr
{
    public const string Library = "libsoxr.so.0";

    /// <summary><c>SOXR_16_BITQ</c>: 16-bit precision, the precision of the PCM16 it reads and writes.</summary>
    public const nuint SixteenBit = 3;

    /// <summary><c>SOXR_HQ</c>: 20-bit precision, sox's <c>rate -h</c>.</summary>
    public const nuint HighQuality = 4;

    /// <summary><c>SOXR_LINEAR_PHASE</c>, a recipe flag (the default, spelled out because it was chosen).</summary>
    public const nuint LinearPhase = 0x00;

    private const int Int16Interleaved = 3; // SOXR_INT16_I
    private const nuint NoDither = 8;       // SOXR_NO_DITHER

    public static bool IsAvailable => NativeLibrary.TryLoad(Library, out _);

    /// <summary>A resampler of one channel of PCM16; throws with soxr's own message if it refuses.</summary>
    /// <param name="log2MinDftSize">soxr's smallest DFT block (<c>log2_min_dft_size</c>, 8 to 15; 0 leaves its 10), which bounds what it holds back.</param>
    public static unsafe SoxrHandle Create(double inputRate, double outputRate, nuint recipe, double passbandEnd, uint log2MinDftSize = 0)
    {
        var io = new IoSpec { InputType = Int16Interleaved, OutputType = Int16Interleaved, Scale = 1, Flags = NoDither };
        var quality = soxr_quality_spec(recipe, 0);
        if (passbandEnd > 0) quality.PassbandEnd = passbandEnd;
        var runtime = soxr_runtime_spec(1);
        if (log2MinDftSize > 0) runtime.Log2MinDftSize = log2MinDftSize;
        IntPtr error;
        var handle = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, &runtime);
        if (handle.IsInvalid || error != IntPtr.Zero)
        {
            handle.Dispose();
            throw new InvalidOperationException($"soxr_create({inputRate}, {outputRate}): {Marshal.PtrToStringUTF8(error)}");
        }
        return handle;
    }

    /// <summary>
    /// One <c>soxr_process</c> call: takes what it can of <paramref name="input"/> (null with length 0 flushes the end
    /// of the stream) and writes what it has ready; returns (samples taken, samples written).
    /// </summary>
    public static unsafe (int Taken, int Written) Process(SoxrHandle handle, short* input, int inputLength, Span<short> output)
    {
        nuint taken, written;
        IntPtr error;
        fixed (short* o = output)
        {
            error = soxr_process(handle, input, (nuint)inputLength, &taken, o, (nuint)output.Length, &written);
        }
        if (error != IntPtr.Zero) throw new InvalidOperationException($"soxr_process: {Marshal.PtrToStringUTF8(error)}");
        return ((int)taken, (int)written);
    }

    /// <summary>Output samples soxr holds: input it has taken but not yet written out.</summary>
    public static double Delay(SoxrHandle handle) => soxr_delay(handle);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoSpec
    {
        public int InputType;
        public int OutputType;
        public double Scale;
        public IntPtr E;
        public nuint Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct QualitySpec
    {
        public double Precision;
        public double PhaseResponse;
        public double PassbandEnd;
        public double StopbandBegin;
        public IntPtr E;
        public nuint Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RuntimeSpec
    {
        public uint Log2MinDftSize;
        public uint Log2LargeDftSize;
        public uint CoefSizeKbytes;
        public uint NumThreads;
        public IntPtr E;
        public nuint Flags;
    }

    [LibraryImport(Library)] private static partial QualitySpec soxr_quality_spec(nuint recipe, nuint flags);
    [LibraryImport(Library)] private static partial RuntimeSpec soxr_runtime_spec(uint numThreads);
    [LibraryImport(Library)] private static unsafe partial SoxrHandle soxr_create(double inputRate, double outputRate, uint channels, IntPtr* error, IoSpec* io, QualitySpec* quality, RuntimeSpec* runtime);
    [LibraryImport(Library)] private static unsafe partial IntPtr soxr_process(SoxrHandle resampler, void* input, nuint inputLength, nuint* inputDone, void* output, nuint outputLength, nuint* outputDone);
    [LibraryImport(Library)] private static partial double soxr_delay(SoxrHandle resampler);
    [LibraryImport(Library)] internal static partial void soxr_delete(IntPtr resampler);
}
