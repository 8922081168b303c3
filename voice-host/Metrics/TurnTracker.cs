using System.Diagnostics.Metrics;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Metrics;

/// <summary>
/// Times each turn: end of user speech, STT final, LLM first token, TTS first byte and the bot's first audio.
/// Voice-to-voice is first audio minus end of user speech.
/// </summary>
public sealed class TurnTracker(TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _turn;
    private DateTimeOffset? _speechEnded, _turnEnded, _sttDone, _llmStarted, _firstToken, _ttsStarted, _firstByte;
    private bool _reported = true;

    public List<TurnMetricsReport> Reports { get; } = [];

    public void UserTurnEnded(DateTimeOffset speechEndedAt)
    {
        lock (_gate)
        {
            _turn++;
            _speechEnded = speechEndedAt;
            _turnEnded = time.GetUtcNow();
            _sttDone = _llmStarted = _firstToken = _ttsStarted = _firstByte = null;
            _reported = false;
        }
    }

    public void SttDone() => Mark(ref _sttDone);
    public void LlmStarted() => Mark(ref _llmStarted);
    public void LlmFirstToken() => Mark(ref _firstToken);
    public void TtsStarted() => Mark(ref _ttsStarted);
    public void TtsFirstByte() => Mark(ref _firstByte);

    /// <summary>The bot's first audio of the turn went out: returns the turn's report, once.</summary>
    public TurnMetricsReport? FirstAudioSent()
    {
        lock (_gate)
        {
            if (_reported || _speechEnded is null) return null;
            _reported = true;
            var now = time.GetUtcNow();
            var report = new TurnMetricsReport(
                _turn,
                Ms(_speechEnded, now),
                Ms(_turnEnded, _sttDone),
                Ms(_llmStarted, _firstToken),
                Ms(_ttsStarted, _firstByte));
            Reports.Add(report);
            return report;
        }
    }

    private void Mark(ref DateTimeOffset? field)
    {
        lock (_gate)
        {
            if (!_reported) field ??= time.GetUtcNow();
        }
    }

    private static double? Ms(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t ? Math.Round((t - f).TotalMilliseconds, 1) : null;
}

/// <summary>OpenTelemetry instruments of voice-host.</summary>
public sealed class VoiceMetrics : IDisposable
{
    public const string MeterName = "VoiceAgents.VoiceHost";
    private readonly Meter _meter = new(MeterName);
    private int _active;
    private int _ttsInFlight;

    public VoiceMetrics()
    {
        _meter.CreateObservableGauge("voice.calls.active", () => Volatile.Read(ref _active), description: "Calls in progress");
        _meter.CreateObservableGauge("voice.tts.in_flight", () => Volatile.Read(ref _ttsInFlight), description: "Sentences being synthesized, from the first piece to the last");
        VoiceToVoice = _meter.CreateHistogram<double>("voice.turn.voice_to_voice", "ms", "End of user speech to first bot audio");
        Stt = _meter.CreateHistogram<double>("voice.turn.stt", "ms", "End of turn to final transcript");
        LlmTtft = _meter.CreateHistogram<double>("voice.turn.llm_ttft", "ms", "LLM time to first token");
        TtsTtfb = _meter.CreateHistogram<double>("voice.turn.tts_ttfb", "ms", "TTS time to first byte");
        CallDuration = _meter.CreateHistogram<double>("voice.call.duration", "s", "Call duration");
        CallsEnded = _meter.CreateCounter<long>("voice.calls.ended", description: "Calls ended, by status and end reason (failed ones are the error rate)");
    }

    public Histogram<double> VoiceToVoice { get; }
    public Histogram<double> Stt { get; }
    public Histogram<double> LlmTtft { get; }
    public Histogram<double> TtsTtfb { get; }
    public Histogram<double> CallDuration { get; }
    public Counter<long> CallsEnded { get; }
    public int Active => Volatile.Read(ref _active);

    public void CallStarted() => Interlocked.Increment(ref _active);
    public void CallEnded() => Interlocked.Decrement(ref _active);

    /// <summary>Sentences whose speech is being synthesized (waits for playback to catch up included), in all calls.</summary>
    public int TtsInFlight => Volatile.Read(ref _ttsInFlight);
    public void TtsStarted() => Interlocked.Increment(ref _ttsInFlight);
    public void TtsEnded() => Interlocked.Decrement(ref _ttsInFlight);

    public void CountEnded(Core.Domain.CallStatus status, string reason) =>
        CallsEnded.Add(1, new KeyValuePair<string, object?>("status", status.ToString().ToLowerInvariant()), new KeyValuePair<string, object?>("end_reason", reason));

    public void Record(TurnMetricsReport r)
    {
        if (r.VoiceToVoiceMs is { } v) VoiceToVoice.Record(v);
        if (r.SttMs is { } s) Stt.Record(s);
        if (r.LlmTtftMs is { } l) LlmTtft.Record(l);
        if (r.TtsTtfbMs is { } t) TtsTtfb.Record(t);
    }

    public void Dispose() => _meter.Dispose();
}
