using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.Tests.Telephony;

public sealed class MuLawTests
{
    [Fact]
    public void Encodes_and_decodes_the_g711_reference_points()
    {
        Assert.Equal(0xFF, MuLaw.Encode(0));
        Assert.Equal(0, MuLaw.Decode(0xFF));
        Assert.Equal(-32124, MuLaw.Decode(0x00));
        Assert.Equal(32124, MuLaw.Decode(0x80));
        Assert.Equal(0x80, MuLaw.Encode(short.MaxValue));
        Assert.Equal(0x00, MuLaw.Encode(short.MinValue));
    }

    [Fact]
    public void A_round_trip_stays_within_half_a_quantization_step()
    {
        for (int s = short.MinValue; s <= short.MaxValue; s += 7)
        {
            var back = MuLaw.Decode(MuLaw.Encode((short)s));
            var magnitude = Math.Min(Math.Abs(s), 32635);
            // Segment n spans steps of 2^(n+1): the error is at most half a step (plus the clip at the top).
            var step = 1 << (Math.Max(0, (int)Math.Floor(Math.Log2((magnitude + 0x84) / 128.0))) + 3);
            Assert.True(Math.Abs(back - s) <= step / 2 + Math.Max(0, Math.Abs(s) - 32635), $"{s} came back as {back}");
        }
    }

    [Fact]
    public void Every_code_decodes_to_a_value_that_encodes_back_to_itself()
    {
        for (var code = 0; code < 256; code++)
        {
            if (code == 0x7F) continue; // negative zero: decodes to 0, which encodes as positive zero (0xFF)
            Assert.Equal(code, MuLaw.Encode(MuLaw.Decode((byte)code)));
        }
    }
}
