using System.Diagnostics.Metrics;

namespace VoiceAgents.VoiceHost.Metrics;

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
