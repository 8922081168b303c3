namespace VoiceAgents.VoiceHost.Audio;

/// <summary>G.711 μ-law, the telephone network's 8-bit companding (Twilio Media Streams' <c>audio/x-mulaw</c>), by table.</summary>
public static class MuLaw
{
    private const int Bias = 0x84;
    private const int Clip = 32635;
    private static readonly short[] Decoded = BuildDecodeTable();
    private static readonly byte[] Encoded = BuildEncodeTable();

    public static short Decode(byte mulaw) => Decoded[mulaw];

    public static byte Encode(short sample) => Encoded[(ushort)sample];

    public static void Decode(ReadOnlySpan<byte> mulaw, Span<short> pcm)
    {
        for (var i = 0; i < mulaw.Length; i++) pcm[i] = Decoded[mulaw[i]];
    }

    public static void Encode(ReadOnlySpan<short> pcm, Span<byte> mulaw)
    {
        for (var i = 0; i < pcm.Length; i++) mulaw[i] = Encoded[(ushort)pcm[i]];
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var u = ~i & 0xFF;
            var exponent = (u >> 4) & 0x07;
            var magnitude = (((u & 0x0F) << 3) + Bias) << exponent;
            table[i] = (short)((u & 0x80) != 0 ? Bias - magnitude : magnitude - Bias);
        }
        return table;
    }

    private static byte[] BuildEncodeTable()
    {
        var table = new byte[65536];
        for (var i = 0; i < 65536; i++)
        {
            int sample = (short)i;
            var sign = sample < 0 ? 0x80 : 0;
            if (sample < 0) sample = -sample;
            if (sample > Clip) sample = Clip;
            sample += Bias;
            var exponent = 7;
            for (var mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
            var mantissa = (sample >> (exponent + 3)) & 0x0F;
            table[i] = (byte)~(sign | (exponent << 4) | mantissa);
        }
        return table;
    }
}
