using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>Streams the LLM's reply as text frames. A barge-in cancels the request in flight.</summary>
public sealed class LlmProcessor(CallContext call, ILlmProvider llm) : FrameProcessor(call.Log)
{
    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is not LlmRunFrame run)
        {
            await base.ProcessFrameAsync(frame, direction, ct);
            return;
        }
        Push(new LlmResponseStartFrame());
        call.Turns.LlmStarted();
        var endCall = false;
        var first = true;
        try
        {
            await foreach (var delta in llm.StreamAsync(new LlmRequest(call.Agent, run.Messages), ct))
            {
                if (delta.EndCall) endCall = true;
                if (delta.Text.Length == 0) continue;
                if (first)
                {
                    call.Turns.LlmFirstToken();
                    first = false;
                }
                await PushAsync(new LlmTextFrame(delta.Text), FrameDirection.Downstream, ct);
            }
        }
        catch (Exception e) when (e is ProviderUnavailableException or ProviderException)
        {
            Apology.Say(this, call, e, Push);
            return;
        }
        Push(new LlmResponseEndFrame());
        if (endCall) Push(new EndFrame("agent_hang_up"));
    }
}

/// <summary>
/// Cuts the LLM's stream into sentences, so speech starts on the first complete sentence. A run-on sentence is cut
/// at a comma or a space once it weighs <see cref="MaxSentenceWeight"/>, so its speech need not wait for its end;
/// never inside a word, so the transcript keeps the LLM's text as written.
/// </summary>
public sealed class SentenceProcessor(CallContext call) : FrameProcessor(call.Log)
{
    public const int MaxSentenceWeight = 2 * SpeechText.MaxPieceWeight;
    private readonly StringBuilder _buffer = new();
    private long _ids;

    // The buffer had no space to cut a run-on sentence at: only text with a space in it can change that.
    private bool _unbreakable;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case LlmTextFrame t:
                _buffer.Append(t.Text);
                if (SpeechText.HasSpace(t.Text)) _unbreakable = false;
                while (NextSentence() is { } sentence) Push(new TextFrame(sentence, Interlocked.Increment(ref _ids)));
                return ValueTask.CompletedTask;
            case LlmResponseEndFrame:
                var rest = _buffer.ToString().Trim();
                _buffer.Clear();
                _unbreakable = false;
                if (rest.Length > 0) Push(new TextFrame(rest, Interlocked.Increment(ref _ids)));
                break;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    protected override ValueTask OnInterruptedAsync()
    {
        _buffer.Clear();
        _unbreakable = false;
        return ValueTask.CompletedTask;
    }

    /// <summary>The first complete sentence in the buffer: up to . ! ? or a newline followed by a space.</summary>
    private string? NextSentence()
    {
        for (var i = 0; i < _buffer.Length - 1; i++)
        {
            var c = _buffer[i];
            var boundary = c is '\n' || (c is '.' or '!' or '?' or ';' && char.IsWhiteSpace(_buffer[i + 1]));
            // "Dr. Smith", "3.5": a period right after a short capitalised word or a digit is no boundary.
            if (boundary && c == '.' && IsAbbreviation(i)) boundary = false;
            if (!boundary) continue;
            var sentence = _buffer.ToString(0, i + 1).Trim();
            _buffer.Remove(0, i + 1);
            if (sentence.Length > 0) return sentence;
            i = -1;
        }
        return RunOn();
    }

    private string? RunOn()
    {
        if (_unbreakable || _buffer.Length <= MaxSentenceWeight / SpeechText.DigitWeight) return null;
        var text = _buffer.ToString();
        var cut = SpeechText.CutAt(text, MaxSentenceWeight, hard: false);
        _unbreakable = cut == 0;
        if (cut == 0 || cut == text.Length) return null;
        _buffer.Remove(0, cut);
        var sentence = text[..cut].Trim();
        return sentence.Length > 0 ? sentence : null;
    }

    private bool IsAbbreviation(int period)
    {
        var start = period;
        while (start > 0 && char.IsLetter(_buffer[start - 1])) start--;
        var word = _buffer.ToString(start, period - start);
        return word is "Mr" or "Mrs" or "Ms" or "Dr" or "St" or "vs" or "etc" or "e.g" or "i.e";
    }
}

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
                // Without a voice there is no apology to speak: say so in an event and end the call.
                call.Log.LogWarning(e, "TTS failed in call {CallId}", call.CallId);
                call.Events.Send(new ErrorEvent("The voice service is unavailable.", true));
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

    /// <summary>The sentence's audio, synthesized a piece at a time, each piece once playback is near enough.</summary>
    private async IAsyncEnumerable<AudioChunk> SynthesizeInPiecesAsync(string sentence, string language, [EnumeratorCancellation] CancellationToken ct)
    {
        metrics?.TtsStarted();
        try
        {
            foreach (var piece in SpeechText.Pieces(sentence))
            {
                await WaitForPlaybackAsync(ct);
                await foreach (var chunk in tts.SynthesizeAsync(piece, call.Agent.Tts, language, ct))
                {
                    _replyAudioStartedAt ??= call.Time.GetUtcNow();
                    _replyAudio += chunk.Duration;
                    yield return chunk;
                }
            }
        }
        finally
        {
            metrics?.TtsEnded();
        }
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

/// <summary>When a provider is down and has no working fallback: a short apology, then the call ends cleanly.</summary>
public static class Apology
{
    public const string Text = "I'm sorry, I'm having technical trouble right now. Please call back later. Goodbye.";

    public static void Say(FrameProcessor from, CallContext call, Exception cause, Action<Frame, FrameDirection> push)
    {
        call.Log.LogWarning(cause, "Provider unavailable in call {CallId}; apologising and ending the call", call.CallId);
        call.Events.Send(new ErrorEvent("A provider is unavailable; the call will end.", false));
        push(new LlmResponseStartFrame(), FrameDirection.Downstream);
        push(new TextFrame(Text, -1), FrameDirection.Downstream);
        push(new LlmResponseEndFrame(), FrameDirection.Downstream);
        push(new EndFrame("provider_unavailable"), FrameDirection.Downstream);
    }
}
