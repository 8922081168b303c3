using System.Runtime.InteropServices;

namespace VoiceAgents.Bench.Offline;

/// <summary>
/// libsoxr (Debian's libsoxr0, installed by infra/local/prereqs.sh) through its C API: a streaming resampler of mono
/// PCM16 at a quality recipe (<see cref="High"/> is sox's default <c>rate -h</c>, <see cref="VeryHigh"/> <c>rate -v</c>),
/// without dither so its output is rounded as voice-host's is.
/// </summary>
public sealed unsafe partial class Soxr : IDisposable
{
    public const int High = 4;      // SOXR_HQ (20-bit)
    public const int VeryHigh = 6;  // SOXR_VHQ (28-bit)
    private const string Lib = "libsoxr.so.0";
    private IntPtr _handle;

    public Soxr(int inputRate, int outputRate, int recipe)
    {
        var io = new IoSpec { InputType = 3, OutputType = 3, Scale = 1, Flags = 8 }; // SOXR_INT16_I, SOXR_NO_DITHER
        var quality = soxr_quality_spec((nuint)recipe, 0);
        IntPtr error;
        _handle = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, null);
        if (_handle == IntPtr.Zero || error != IntPtr.Zero) throw new InvalidOperationException($"soxr_create: {Marshal.PtrToStringUTF8(error)}");
    }

    public static bool IsAvailable => NativeLibrary.TryLoad(Lib, out _);

    /// <summary>Resamples the next block into <paramref name="output"/>; an empty input flushes what soxr holds back.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        nuint done = 0, written = 0;
        fixed (short* i = input)
        fixed (short* o = output)
        {
            var error = soxr_process(_handle, input.IsEmpty ? null : i, (nuint)input.Length, &done, o, (nuint)output.Length, &written);
            if (error != IntPtr.Zero) throw new InvalidOperationException($"soxr_process: {Marshal.PtrToStringUTF8(error)}");
            if (done != (nuint)input.Length) throw new InvalidOperationException($"soxr_process took {done} of {input.Length} samples");
        }
        return (int)written;
    }

    public void Dispose()
    {
        if (_handle != IntPtr.Zero) soxr_delete(_handle);
        _handle = IntPtr.Zero;
    }

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

    [LibraryImport(Lib)] private static partial QualitySpec soxr_quality_spec(nuint recipe, nuint flags);
    [LibraryImport(Lib)] private static partial IntPtr soxr_create(double inputRate, double outputRate, uint channels, IntPtr* error, IoSpec* io, QualitySpec* quality, void* runtime);
    [LibraryImport(Lib)] private static partial IntPtr soxr_process(IntPtr resampler, void* input, nuint inputLength, nuint* inputDone, void* output, nuint outputLength, nuint* outputDone);
    [LibraryImport(Lib)] private static partial void soxr_delete(IntPtr resampler);
}
