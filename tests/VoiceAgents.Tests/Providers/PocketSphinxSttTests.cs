using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Providers;
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

    [Fact]
    public async Task A_session_decodes_as_the_audio_comes_with_interims_before_the_turn_ends_and_the_whole_sentence_at_its_end()
    {
        using var stt = new PocketSphinxStt(poolSize: 1);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);
        await using var interims = session.InterimResultsAsync(CancellationToken.None).GetAsyncEnumerator();

        // Most of the sentence, in 20 ms frames: an interim comes before the rest is even sent.
        var half = speech.Length * 3 / 4;
        foreach (var chunk in speech[..half].Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        Assert.True(await interims.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(interims.Current.IsFinal);
        Assert.Contains("change", interims.Current.Text);
        Assert.Equal(1, stt.InFlight);

        foreach (var chunk in speech[half..].Concat(new short[4800]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.True(final.IsFinal);
        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(0, stt.InFlight);
    }

    [Fact]
    public async Task Dispose_waits_for_a_streamed_utterance_to_give_its_decoder_back_and_later_audio_is_refused()
    {
        var stt = new PocketSphinxStt(poolSize: 1);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("Please call me back in the afternoon"));
        var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);
        foreach (var chunk in speech.Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        while (stt.InFlight == 0) await Task.Delay(5);

        var disposing = Task.Run(stt.Dispose);
        // Once the provider is closing, a finished utterance keeps its streamed decoder rather than asking for another.
        while (!stt.Closing) await Task.Delay(5);
        // The utterance holds the only decoder: the provider cannot be disposed under it.
        Assert.False(disposing.IsCompleted, "Dispose returned while a streamed utterance held its decoder");
        var final = await session.FinalizeAsync(CancellationToken.None);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("afternoon", final.Text);
        Assert.Equal(0, stt.InFlight);
        await session.SendAudioAsync(speech, CancellationToken.None);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await session.FinalizeAsync(CancellationToken.None));
        await session.DisposeAsync();
    }
}
