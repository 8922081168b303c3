using System.Text;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Keypad input: keys pressed in a row are gathered until none follows for
/// <see cref="Configuration.VoiceOptions.KeypadInterDigitSeconds"/> (or until <c>#</c>, which ends the entry at once
/// and is not part of it unless pressed alone); then the digits are the caller's turn, a final transcript
/// <c>[keypad] 123</c> that the user context answers like speech. A key pressed while the bot speaks cuts it off,
/// as speech does.
/// </summary>
public sealed class KeypadProcessor(CallContext call) : FrameProcessor(call.Log)
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _digits = new();
    private DateTimeOffset _firstAt;
    private DateTimeOffset _lastAt;
    private ITimer? _timer;
    private long _entry;
    private bool _botSpeaking;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case KeypadFrame key:
                Pressed(key);
                return ValueTask.CompletedTask;
            case BotStartedSpeakingFrame:
                _botSpeaking = true;
                break;
            case BotStoppedSpeakingFrame:
                _botSpeaking = false;
                break;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    private void Pressed(KeypadFrame key)
    {
        if (_botSpeaking)
        {
            _botSpeaking = false;
            Push(new InterruptionFrame(key.At));
        }
        long entry;
        lock (_gate)
        {
            if (_digits.Length == 0) _firstAt = key.At;
            _lastAt = key.At;
            _digits.Append(key.Digit);
            entry = ++_entry;
            if (key.Digit != '#')
            {
                // One timer per call, moved on by each key: the entry ends when it fires for the latest key.
                var wait = TimeSpan.FromSeconds(call.Options.KeypadInterDigitSeconds);
                if (_timer is null) _timer = call.Time.CreateTimer(static s => ((KeypadProcessor)s!).TimedOut(), this, wait, Timeout.InfiniteTimeSpan);
                else _timer.Change(wait, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        Flush(entry);
    }

    private void TimedOut()
    {
        long entry;
        lock (_gate) entry = _entry;
        Flush(entry);
    }

    /// <summary>Ends the entry <paramref name="entry"/> (unless a later key already continued or ended it): the digits become the caller's turn.</summary>
    private void Flush(long entry)
    {
        string digits;
        DateTimeOffset first, last;
        lock (_gate)
        {
            if (entry != _entry || _digits.Length == 0) return;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            digits = _digits.Length > 1 && _digits[^1] == '#' ? _digits.ToString(0, _digits.Length - 1) : _digits.ToString();
            _digits.Clear();
            (first, last) = (_firstAt, _lastAt);
        }
        var text = KeypadInput.Message(digits);
        call.AddTranscript("user", text, first, last);
        call.Turns.UserTurnEnded(last);
        Push(new TranscriptionFrame(text, call.Time.GetUtcNow()));
    }

    protected override async ValueTask OnStoppedAsync()
    {
        ITimer? timer;
        lock (_gate) timer = _timer;
        if (timer is not null) await timer.DisposeAsync();
    }
}
