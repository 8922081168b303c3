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

        // Most of the sentence, in 20 ms frames: interims come before the rest is even sent, the first of them as soon
        // as 200 ms are decoded, and one of them has heard "change".
        var half = speech.Length * 3 / 4;
        foreach (var chunk in speech[..half].Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        do
        {
            Assert.True(await interims.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.False(interims.Current.IsFinal);
        }
        while (!interims.Current.Text.Contains("change", StringComparison.Ordinal));
        Assert.Equal(1, stt.InFlight);

        foreach (var chunk in speech[half..].Concat(new short[4800]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.True(final.IsFinal);
        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(0, stt.InFlight);
    }

    [Fact]
    public async Task A_pause_begins_the_whole_turns_pass_and_a_turn_that_ends_there_is_not_decoded_again()
    {
        using var stt = new PocketSphinxStt(poolSize: 2);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        // The sentence and the VAD's 200 ms of silence: the pause.
        foreach (var chunk in speech.Concat(new short[3200]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        session.SpeechPaused();
        Assert.Equal(1, stt.WholeTurnDecodes);
        // The turn's end waits on in silence, then ends the turn.
        foreach (var chunk in new short[4800].Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(1, stt.WholeTurnDecodes);
        Assert.Equal(final.Text, await stt.DecodeAsync(speech.Concat(new short[8000]).ToArray(), speech.Length + 8000, CancellationToken.None));
    }

    [Fact]
    public async Task A_provider_whose_transcript_is_the_streamed_decodes_has_it_at_the_turns_end_without_a_whole_turn_pass()
    {
        using var stt = new PocketSphinxStt(poolSize: 2, streamedFinal: true);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        foreach (var chunk in speech.Concat(new short[3200]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        session.SpeechPaused();
        foreach (var chunk in new short[1600].Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(0, stt.WholeTurnDecodes);
    }

    /// <summary>Sends a sentence and 200 ms of silence, waits until the streamed decode has heard all but the silence, then tells the pause and waits for its interim (all heard).</summary>
    private static async Task SpeakAndPauseAsync(ISttSession session, short[] speech, TimeSpan? turnEndsIn = null)
    {
        await using var interims = session.InterimResultsAsync(CancellationToken.None).GetAsyncEnumerator();
        async Task HeardAsync(int samples)
        {
            do Assert.True(await interims.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            while (interims.Current.HeardUntil < TimeSpan.FromSeconds(samples / 16000.0));
        }
        foreach (var chunk in speech.Concat(new short[3200]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        await HeardAsync(speech.Length - 3200);
        if (turnEndsIn is { } left) session.SpeechPaused(left);
        else session.SpeechPaused();
        await HeardAsync(speech.Length + 3200);
    }

    [Theory]
    [InlineData(600, true)]
    [InlineData(250, false)]
    public async Task A_fixed_turns_pause_begins_the_whole_turns_pass_only_if_it_can_be_ready_when_the_turn_ends_and_otherwise_the_transcript_is_the_streamed_decodes(int turnEndsInMs, bool passFits)
    {
        using var stt = new PocketSphinxStt(poolSize: 2);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);
        // The pass would cover the speech and the 200 ms of silence before the pause: at 0.15 s a second, it fits in
        // what an 800 ms fixed turn leaves after the VAD's stop, and not in what a 450 ms one does.
        var passSeconds = (speech.Length + 3200) / 16000.0 * PocketSphinxStt.PassSecondsPerSecond;
        Assert.Equal(passFits, passSeconds <= turnEndsInMs / 1000.0);

        await SpeakAndPauseAsync(session, speech, TimeSpan.FromMilliseconds(turnEndsInMs));
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(passFits ? (1, 0, 0) : (0, 1, 1), (stt.WholeTurnDecodes, stt.PassesTooLong, stt.StreamedTranscripts));
    }

    [Fact]
    public async Task A_quick_finalize_has_the_streamed_decodes_transcript_when_the_pass_begun_at_the_pause_is_not_ready_and_drops_that_pass()
    {
        using var stt = new PocketSphinxStt(poolSize: 2);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        // Another call's turn holds one slot and this one's stream the other: the pass begun at the pause waits for one.
        await using var other = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);
        await other.SendAudioAsync(speech.AsMemory(0, 3200), CancellationToken.None);
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        await SpeakAndPauseAsync(session, speech);
        Assert.Equal(1, stt.WholeTurnDecodes);
        var final = await session.FinalizeQuicklyAsync(CancellationToken.None);

        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(1, stt.StreamedTranscripts);
        // The pass still waiting was dropped: once the slot this turn's stream gave back is free again, only the other
        // call's is taken, and the pass never decoded (a cancelled wait may still be handed that slot; it gives it back).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (stt.SlotsInUse > 1 && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(1, stt.SlotsInUse);
        Assert.Equal(0, stt.WholeTurnDecodesRun);
        await other.FinalizeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_quick_finalize_has_the_whole_turns_pass_when_it_is_ready()
    {
        using var stt = new PocketSphinxStt(poolSize: 2);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        // The turn's end came long after the pause (a hold word, or a caller thinking): the pass has given its decoder back.
        await SpeakAndPauseAsync(session, speech);
        while (stt.InFlight > 1) await Task.Delay(5);
        var final = await session.FinalizeQuicklyAsync(CancellationToken.None);

        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal((1, 0), (stt.WholeTurnDecodes, stt.StreamedTranscripts));
    }

    [Fact]
    public async Task An_utterances_first_audio_holds_its_decoder_slot_before_the_pump_runs_so_a_pause_right_after_knows_it_streams()
    {
        // On a loaded machine the pump's first run came after the pause: the utterance had no decoder yet, so the pause
        // began a whole-turn pass that a streamed final did not need, and that pass took the slot the stream then lacked.
        using var stt = new PocketSphinxStt(poolSize: 2, streamedFinal: true);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        // SendAudioAsync completes synchronously, so nothing here waits for the pump: 200 ms of speech, then the pause.
        for (var at = 0; at < 3200; at += 320)
        {
            Assert.True(session.SendAudioAsync(speech.AsMemory(at, 320), CancellationToken.None).IsCompletedSuccessfully);
            Assert.Equal(1, stt.SlotsInUse);
        }
        session.SpeechPaused();
        Assert.Equal(0, stt.WholeTurnDecodes);

        foreach (var chunk in speech[3200..].Concat(new short[4800]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        var final = await session.FinalizeAsync(CancellationToken.None);
        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(0, stt.WholeTurnDecodes);
        Assert.Equal(0, stt.SlotsInUse);
    }

    [Fact]
    public async Task An_utterance_that_found_every_decoder_busy_has_its_whole_turn_pass_begun_at_the_pause_even_when_the_streamed_decode_would_give_the_transcript()
    {
        using var stt = new PocketSphinxStt(poolSize: 2, streamedFinal: true);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        // Another call's turn holds one decoder, and this call's own pass at the pause will need the other.
        await using var other = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);
        await other.SendAudioAsync(speech.AsMemory(0, 3200), CancellationToken.None);
        while (stt.InFlight == 0) await Task.Delay(5);
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        // Sent while a third utterance holds the second decoder: this one gets none and streams nothing.
        await using (var third = await stt.ConnectAsync(new SttConfig(), CancellationToken.None))
        {
            await third.SendAudioAsync(speech.AsMemory(0, 3200), CancellationToken.None);
            while (stt.InFlight < 2) await Task.Delay(5);
            foreach (var chunk in speech.Concat(new short[3200]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
            Assert.Equal(2, stt.InFlight);
        }
        // The third call hung up, its decoder is free: the pause begins the whole turn's pass on it.
        session.SpeechPaused();
        Assert.Equal(1, stt.WholeTurnDecodes);
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Equal("i want to change my delivery address", final.Text);
        Assert.Equal(1, stt.WholeTurnDecodes);
        await other.FinalizeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Interims_say_how_much_of_the_sessions_audio_they_have_heard_counting_from_its_first_turn()
    {
        // A decoder for each thing that can hold one at the second pause: the first turn's streamed decoder (given back
        // once its utterance is ended, off the turn's path), the second turn's whole-turn pass begun at the pause, and
        // the second turn's streamed decode. With two, the second turn's first audio could find both slots taken and
        // stream nothing until more audio came, which this test never sends.
        using var stt = new PocketSphinxStt(poolSize: 3);
        var (speech, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);
        await using var interims = session.InterimResultsAsync(CancellationToken.None).GetAsyncEnumerator();
        var sent = 0;
        async Task SendAsync(short[] audio)
        {
            foreach (var chunk in audio.Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
            sent += audio.Length;
        }
        async Task<List<TimeSpan>> HeardUntilAsync(int samples)
        {
            var heard = new List<TimeSpan>();
            while (heard.Count == 0 || heard[^1] < TimeSpan.FromSeconds(samples / 16000.0))
            {
                Assert.True(await interims.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
                heard.Add(interims.Current.HeardUntil!.Value);
            }
            return heard;
        }

        // A first turn, its pause (an interim comes at once, having heard all of it), then its end.
        await SendAsync([.. speech, .. new short[3200]]);
        session.SpeechPaused();
        var first = await HeardUntilAsync(sent);
        await session.FinalizeAsync(CancellationToken.None);
        var firstTurn = sent;
        // A second turn in the same session: its interims count on from the first's audio.
        await SendAsync([.. speech, .. new short[3200]]);
        session.SpeechPaused();
        var second = await HeardUntilAsync(sent);

        Assert.Equal(first.Order(), first);
        Assert.Equal(TimeSpan.FromSeconds(firstTurn / 16000.0), first[^1]);
        Assert.All(second, h => Assert.InRange(h, TimeSpan.FromSeconds(firstTurn / 16000.0), TimeSpan.FromSeconds(sent / 16000.0)));
        Assert.Equal(TimeSpan.FromSeconds(sent / 16000.0), second[^1]);
    }

    [Fact]
    public async Task Speech_after_a_pause_voids_the_pass_begun_there_and_the_transcript_is_the_whole_turns()
    {
        using var stt = new PocketSphinxStt(poolSize: 2);
        var (first, _) = Wav.Read(await VoiceFixture.SpeakAsync("I want to change"));
        var (second, _) = Wav.Read(await VoiceFixture.SpeakAsync("my delivery address"));
        await using var session = await stt.ConnectAsync(new SttConfig(), CancellationToken.None);

        foreach (var chunk in first.Concat(new short[3200]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        session.SpeechPaused();
        // The caller goes on after 400 ms: the turn had not ended.
        foreach (var chunk in new short[3200].Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        session.SpeechResumed();
        foreach (var chunk in second.Concat(new short[3200]).Chunk(320)) await session.SendAudioAsync(chunk, CancellationToken.None);
        session.SpeechPaused();
        var final = await session.FinalizeAsync(CancellationToken.None);

        Assert.Contains("change", final.Text);
        Assert.EndsWith("delivery address", final.Text);
        Assert.Equal(2, stt.WholeTurnDecodes);
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
