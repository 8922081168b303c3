using System.Buffers.Binary;

namespace VoiceAgents.VoiceHost.Audio;

/// <summary>Reading and writing canonical PCM16 WAV files.</summary>
public static class Wav
{
    public static void WriteHeader(Stream stream, int sampleRate, int channels, long dataBytes)
    {
        Span<byte> h = stackalloc byte[44];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)Math.Min(uint.MaxValue, 36 + dataBytes));
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)Math.Min(uint.MaxValue, dataBytes));
        stream.Write(h);
    }

    /// <summary>Reads a PCM16 WAV (mono, or the first channel of several).</summary>
    public static (short[] Samples, int SampleRate) Read(byte[] file)
    {
        var span = file.AsSpan();
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }
        int channels = 1, rate = 16000, bits = 16;
        var pos = 12;
        while (pos + 8 <= span.Length)
        {
            var id = span.Slice(pos, 4);
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(pos + 4)..]);
            var body = pos + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(span[body..]);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(span[(body + 2)..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(body + 4)..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(span[(body + 14)..]);
                if (format != 1 && format != 0xFFFE || bits != 16) throw new InvalidDataException("Only PCM16 WAV is supported.");
            }
            else if (id.SequenceEqual("data"u8))
            {
                var length = Math.Min(size, span.Length - body);
                var frames = length / (2 * channels);
                var samples = new short[frames];
                for (var i = 0; i < frames; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(span[(body + i * 2 * channels)..]);
                return (samples, rate);
            }
            pos = body + size + (size & 1);
        }
        throw new InvalidDataException("The WAV file has no data chunk.");
    }
}
