using System.Diagnostics.Metrics;

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

    /// <summary>A turn to answer ended: its speech at <paramref name="speechEndedAt"/>, the turn (its silence) at <paramref name="turnEndedAt"/>, by default now.</summary>
    public void UserTurnEnded(DateTimeOffset speechEndedAt, DateTimeOffset? turnEndedAt = null)
    {
        lock (_gate)
        {
            _turn++;
            _speechEnded = speechEndedAt;
            _turnEnded = turnEndedAt ?? time.GetUtcNow();
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
