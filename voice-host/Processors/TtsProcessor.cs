using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Synthesizes each sentence and streams its audio at the output rate in 20 ms chunks. A sentence is synthesized in
/// pieces (<see cref="SpeechText.Pieces"/>), one at a time, and the next piece waits while the reply's audio is more
/// than <see cref="Lookahead"/> ahead of real time: a sentence of any length costs one piece of memory and CPU at a
/// time, spread over the time it takes to say it, and a hang-up or barge-in finds at most one piece to stop.
/// </summary>
public sealed class TtsProcessor(CallContext call, ITtsProvider tts, int outputRate, VoiceMetrics? metrics = null) : FrameProcessor(call.Log)
{
    /// <summary>How far the synthesized audio of a reply may run ahead of its playback before the next piece waits.</summary>
    public static readonly TimeSpan Lookahead = TimeSpan.FromSeconds(5);

    private bool _firstOfReply = true;
    private DateTimeOffset? _replyAudioStartedAt;
    private TimeSpan _replyAudio;

    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case LlmResponseStartFrame:
                NewReply();
                break;
            case TextFrame text:
                await SpeakAsync(text, ct);
                return;
        }
        await base.ProcessFrameAsync(frame, direction, ct);
    }

    protected override ValueTask OnInterruptedAsync()
    {
        NewReply();
        return ValueTask.CompletedTask;
    }

    private void NewReply()
    {
        _firstOfReply = true;
        _replyAudioStartedAt = null;
        _replyAudio = TimeSpan.Zero;
    }

    private async Task SpeakAsync(TextFrame text, CancellationToken ct)
    {
        var chunkSamples = outputRate / 50;
        var pending = new short[chunkSamples];
        var filled = 0;
        var total = 0;
        Resampler? resampler = null;
        short[] scratch = [];
        if (_firstOfReply) call.Turns.TtsStarted();
        var first = _firstOfReply;
        _firstOfReply = false;
        var language = call.Agent.Language;
        var progress = new SentenceAudio();
        Push(new TtsSentenceStartFrame(text.Id, text.Text, progress));
        await using var chunks = SynthesizeInPiecesAsync(text.Text, language, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await chunks.MoveNextAsync()) break;
            }
            catch (Exception e) when (e is ProviderUnavailableException or ProviderException)
            {
                // Without a voice there is no apology to speak: say so in an error and end the call.
                call.Log.LogWarning(e, "TTS failed in call {CallId}", call.CallId);
                Push(new ErrorFrame("The voice service is unavailable.", Fatal: true));
                progress.Finish();
                Push(new EndFrame("provider_unavailable"));
                return;
            }
            var chunk = chunks.Current;
            if (first)
            {
                call.Turns.TtsFirstByte();
                first = false;
            }
            var samples = chunk.Samples;
            if (chunk.SampleRate != outputRate)
            {
                resampler ??= new Resampler(chunk.SampleRate, outputRate);
                var max = resampler.MaxOutputLength(samples.Length);
                if (scratch.Length < max) scratch = new short[max];
                var n = resampler.Process(samples.Span, scratch);
                samples = scratch.AsMemory(0, n);
            }
            while (samples.Length > 0)
            {
                var take = Math.Min(samples.Length, chunkSamples - filled);
                samples[..take].CopyTo(pending.AsMemory(filled));
                filled += take;
                samples = samples[take..];
                if (filled == chunkSamples)
                {
                    // Waits while the output has enough queued: a sentence's audio never piles up ahead of playback.
                    await PushAsync(new TtsAudioFrame(new AudioChunk(pending, outputRate), text.Id), FrameDirection.Downstream, ct);
                    progress.Add(filled);
                    total += filled;
                    pending = new short[chunkSamples];
                    filled = 0;
                }
            }
        }
        if (filled > 0)
        {
            await PushAsync(new TtsAudioFrame(new AudioChunk(pending.AsMemory(0, filled), outputRate), text.Id), FrameDirection.Downstream, ct);
            progress.Add(filled);
            total += filled;
        }
        progress.Finish();
        Push(new TtsSentenceEndFrame(text.Id, text.Text, total));
    }

    private bool Bill(string piece)
    {
        call.Usage.TtsCharacters(IServingProvider.Of(tts, tts.Name), piece.Length);
        return true;
    }

    /// <summary>The sentence's audio, synthesized a piece at a time, each piece once playback is near enough.</summary>
    private async IAsyncEnumerable<AudioChunk> SynthesizeInPiecesAsync(string sentence, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        metrics?.TtsStarted();
        try
        {
            foreach (var piece in SpeechText.Pieces(sentence))
            {
                await WaitForPlaybackAsync(ct);
                if (call.Greeting?.TryTake(piece) is { } prepared)
                {
                    // Made while the call was set up (or cached), streamed as it is made; synthesized here only if it failed before any audio.
                    var played = 0;
                    while (true)
                    {
                        AudioChunk chunk;
                        try
                        {
                            if (!await prepared.WaitToReadAsync(ct)) break;
                            if (!prepared.TryRead(out chunk)) continue;
                        }
                        catch (Exception e) when (played == 0 && e is not OperationCanceledException)
                        {
                            break;
                        }
                        played++;
                        yield return Made(chunk);
                    }
                    if (played > 0) continue;
                }
                // Vendors bill the characters of each request, whether or not all its audio is played: counted once the
                // request is answered, against the vendor that answered it (the fallback, when the agent's TTS was down).
                var billed = false;
                await foreach (var chunk in tts.SynthesizeAsync(piece, call.Agent.Tts, language, ct))
                {
                    if (!billed) billed = Bill(piece);
                    yield return Made(chunk);
                }
                if (!billed) Bill(piece);
            }
        }
        finally
        {
            metrics?.TtsEnded();
        }
    }

    /// <summary>Counts <paramref name="chunk"/> into the reply's audio made so far, which paces the next piece.</summary>
    private AudioChunk Made(AudioChunk chunk)
    {
        _replyAudioStartedAt ??= call.Time.GetUtcNow();
        _replyAudio += chunk.Duration;
        return chunk;
    }

    /// <summary>
    /// Playback starts about when the reply's first audio is made and runs in real time, so the audio made beyond
    /// the time since then is how far synthesis is ahead of the caller.
    /// </summary>
    private async Task WaitForPlaybackAsync(CancellationToken ct)
    {
        if (_replyAudioStartedAt is not { } started) return;
        var ahead = _replyAudio - (call.Time.GetUtcNow() - started);
        if (ahead > Lookahead) await Task.Delay(ahead - Lookahead, call.Time, ct);
    }
}
