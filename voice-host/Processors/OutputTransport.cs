using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Metrics;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The output transport, the only stage that reaches the caller: it turns frames into the transport's events and
/// audio (<see cref="IClientEvents"/>, the socket's single writer). <c>ready</c> on the start, user transcripts,
/// errors, and <c>end</c> when the pipeline is cancelled (which is how every call ends) come from the frames of that
/// name. Reply audio is sent in real time: 20 ms chunks, paced by the injected clock, never more than
/// <see cref="VoiceOptions.OutputLeadSeconds"/> ahead. Because the pacing waits on the data lane, a barge-in drops
/// whatever is still queued within one chunk. As the player of the reply it also tells the caller its speaking state
/// (and the stages before it, upstream), each turn's metrics, and what the caller actually heard of each sentence.
/// </summary>
public sealed class OutputTransport(CallContext call, IClientEvents client, int outputRate, VoiceMetrics metrics) : FrameProcessor(call.Log)
{
    private readonly TimeSpan _lead = TimeSpan.FromSeconds(call.Options.OutputLeadSeconds);
    private readonly Resampler? _recordResampler = outputRate == CallRecorder.SampleRate ? null : new Resampler(outputRate, CallRecorder.SampleRate);
    private short[] _recordScratch = [];
    private DateTimeOffset _playhead;
    private bool _speaking;
    private TtsSentenceStartFrame? _sentence;
    private DateTimeOffset _sentenceStartedAt;
    private int _sentSamples;
    private long _sentenceStartSamples;

    // Once the caller has been told "end" nothing more is sent; the lock keeps a late event of the data lane from following it.
    private readonly Lock _sendGate = new();
    private bool _ended;

    // The reply may reach this stage's data lane before the start reaches its system lane: "ready" goes first.
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Samples sent to the caller, for tests and benchmarks.</summary>
    public long SamplesSent { get; private set; }

    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (direction == FrameDirection.Upstream)
        {
            await base.ProcessFrameAsync(frame, direction, ct);
            return;
        }
        if (frame is not SystemFrame && !_started.Task.IsCompleted) await _started.Task.WaitAsync(ct);
        switch (frame)
        {
            case StartFrame:
                Send(new ReadyEvent(call.SessionId, call.CallId, outputRate));
                _started.TrySetResult();
                break;
            case TranscriptionFrame t:
                Send(new TranscriptEvent("user", t.Text, true));
                return;
            case InterimTranscriptionFrame t:
                Send(new TranscriptEvent("user", t.Text, false));
                return;
            case ErrorFrame e:
                Send(new ErrorEvent(e.Message, e.Fatal));
                return;
            case CancelFrame cancel:
                lock (_sendGate)
                {
                    if (!_ended) client.Send(new EndEvent(cancel.Reason));
                    _ended = true;
                }
                break;
            case TtsSentenceStartFrame start:
                _sentence = start;
                _sentSamples = 0;
                _sentenceStartSamples = SamplesSent;
                _sentenceStartedAt = Later(_playhead, call.Time.GetUtcNow());
                return;
            case TtsAudioFrame audio:
                await PlayAsync(audio.Audio, ct);
                return;
            case TtsSentenceEndFrame end:
                if (_sentence?.SentenceId == end.SentenceId) Spoken(end.Text, interrupted: false);
                _sentence = null;
                return;
            case LlmResponseEndFrame:
                await WaitForPlayoutAsync(ct);
                StopSpeaking();
                return;
            case EndFrame:
                // Everything before it has been played: the task ends the call once the end reaches the sink.
                await WaitForPlayoutAsync(ct);
                StopSpeaking();
                break;
            case LlmResponseStartFrame or LlmTextFrame or TextFrame or LlmRunFrame:
                return;
        }
        await base.ProcessFrameAsync(frame, direction, ct);
    }

    private async Task PlayAsync(AudioChunk audio, CancellationToken ct)
    {
        var now = call.Time.GetUtcNow();
        if (!_speaking)
        {
            _speaking = true;
            _playhead = now;
            Send(new SpeakingEvent("bot_started_speaking"));
            Push(new BotStartedSpeakingFrame(now), FrameDirection.Upstream);
        }
        if (call.Turns.FirstAudioSent() is { } report)
        {
            metrics.Record(report);
            Send(new MetricsEvent(report.Turn, report.VoiceToVoiceMs, report.SttMs, report.LlmTtftMs, report.TtsTtfbMs));
            call.Log.LogInformation("Turn {Turn} of call {CallId}: voice-to-voice {VoiceToVoiceMs} ms, STT {SttMs} ms, LLM TTFT {LlmTtftMs} ms, TTS TTFB {TtsTtfbMs} ms",
                report.Turn, call.CallId, report.VoiceToVoiceMs, report.SttMs, report.LlmTtftMs, report.TtsTtfbMs);
        }
        var wait = _playhead - _lead - now;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, call.Time, ct);
        await client.SendAudioAsync(audio.Samples, ct);
        Record(audio.Samples.Span);
        _sentSamples += audio.Length;
        SamplesSent += audio.Length;
        _playhead = Later(_playhead, call.Time.GetUtcNow()) + audio.Duration;
    }

    private void Record(ReadOnlySpan<short> samples)
    {
        if (_recordResampler is null)
        {
            call.Recorder.WriteBot(samples);
            return;
        }
        var max = _recordResampler.MaxOutputLength(samples.Length);
        if (_recordScratch.Length < max) _recordScratch = new short[max];
        var n = _recordResampler.Process(samples, _recordScratch);
        call.Recorder.WriteBot(_recordScratch.AsSpan(0, n));
    }

    private async Task WaitForPlayoutAsync(CancellationToken ct)
    {
        var wait = _playhead - call.Time.GetUtcNow();
        if (_speaking && wait > TimeSpan.Zero) await Task.Delay(wait, call.Time, ct);
    }

    private void StopSpeaking()
    {
        if (!_speaking) return;
        _speaking = false;
        Send(new SpeakingEvent("bot_stopped_speaking"));
        Push(new BotStoppedSpeakingFrame(call.Time.GetUtcNow()), FrameDirection.Upstream);
    }

    private void Spoken(string text, bool interrupted)
    {
        Send(new TranscriptEvent("assistant", text, true));
        call.AddTranscript("assistant", text, _sentenceStartedAt);
        Push(new SpokenTextFrame(text, interrupted));
    }

    /// <summary>A barge-in: keep only the part of the current sentence the caller heard, and say so; the rest goes upstream, in case the interruption was false.</summary>
    protected override ValueTask OnInterruptedAsync()
    {
        var now = call.Time.GetUtcNow();
        if (_sentence is { } sentence)
        {
            var unplayed = Math.Max(0, (_playhead - now).TotalSeconds) * outputRate;
            // A telephony transport knows from its marks what the far end really played; otherwise the clock tells.
            var heard = client is IPlaybackReport { PlayedSamples: { } played }
                ? Math.Clamp(played - _sentenceStartSamples, 0, _sentSamples)
                : Math.Max(0, _sentSamples - unplayed);
            // While the TTS still streams the sentence its length is unknown: estimate it from the text (~14 chars a second).
            var queued = Math.Max(_sentSamples, sentence.Progress.Samples);
            var estimated = sentence.Progress.Complete ? queued : Math.Max(queued, sentence.Text.Length / 14.0 * outputRate);
            var words = sentence.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var keep = _sentSamples == 0 ? 0 : (int)Math.Floor(words.Length * Math.Clamp(heard / estimated, 0, 1));
            if (keep > 0) Spoken(string.Join(' ', words.Take(keep)) + "…", interrupted: true);
            // What a false interruption would say after all (InterruptionProcessor).
            if (keep < words.Length) Push(new UnplayedTextFrame(string.Join(' ', words.Skip(keep))), FrameDirection.Upstream);
        }
        _sentence = null;
        _sentSamples = 0;
        Send(new InterruptionEvent());
        if (_speaking)
        {
            _speaking = false;
            Send(new SpeakingEvent("bot_stopped_speaking"));
            Push(new BotStoppedSpeakingFrame(now), FrameDirection.Upstream);
        }
        _playhead = now;
        return ValueTask.CompletedTask;
    }

    private void Send(ClientEvent e)
    {
        lock (_sendGate)
        {
            if (!_ended) client.Send(e);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
