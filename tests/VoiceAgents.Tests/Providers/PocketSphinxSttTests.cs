using VoiceAgents.VoiceHost.Providers.Local;

namespace VoiceAgents.Tests.Providers;

/// <summary>
/// The offline STT's native decoders outlive no one: disposing the provider (a host stopping) while a call's turn is
/// being decoded once freed the decoder under <c>ps_process_raw</c>, and a later decode used a freed one; both crashed
/// the test host with a general protection fault in libpocketsphinx.
/// </summary>
public sealed class PocketSphinxSttTests
{
    [Fact]
    public async Task Dispose_waits_for_the_decode_in_flight_and_a_later_decode_is_refused_instead_of_using_a_freed_decoder()
    {
        Assert.True(PocketSphinxStt.IsAvailable, "PocketSphinx and its en-us model are installed by infra/local/prereqs.sh");
        var stt = new PocketSphinxStt(poolSize: 1);
        // Eight seconds of noise keeps the decoder busy long enough to dispose under it.
        var noise = new short[16000 * 8];
        var random = new Random(7);
        for (var i = 0; i < noise.Length; i++) noise[i] = (short)random.Next(-3000, 3000);

        var decoding = stt.DecodeAsync(noise, noise.Length, CancellationToken.None);
        while (stt.InFlight == 0 && !decoding.IsCompleted) await Task.Yield();
        await Task.Run(stt.Dispose);

        Assert.True(decoding.IsCompleted, "Dispose returned before the decode in flight ended");
        await decoding;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => stt.DecodeAsync(noise, 16000, CancellationToken.None));
    }
}
