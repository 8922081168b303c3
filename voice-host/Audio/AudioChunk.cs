using System.Runtime.InteropServices;

namespace VoiceAgents.VoiceHost.Audio;

/// <summary>PCM16 mono samples at a sample rate.</summary>
public readonly record struct AudioChunk(ReadOnlyMemory<short> Samples, int SampleRate)
{
    public int Length => Samples.Length;
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    public static AudioChunk FromBytes(ReadOnlySpan<byte> pcm16le, int sampleRate)
    {
        var samples = new short[pcm16le.Length / 2];
        MemoryMarshal.Cast<byte, short>(pcm16le[..(samples.Length * 2)]).CopyTo(samples);
        return new AudioChunk(samples, sampleRate);
    }

    public ReadOnlySpan<byte> AsBytes() => MemoryMarshal.AsBytes(Samples.Span);

    /// <summary>Root-mean-square level, 0 to 1.</summary>
    public double Rms()
    {
        var s = Samples.Span;
        if (s.Length == 0) return 0;
        double sum = 0;
        foreach (var v in s) sum += (double)v * v;
        return Math.Sqrt(sum / s.Length) / 32768.0;
    }
}
