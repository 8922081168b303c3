using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Ends a call whose caller has gone quiet or that has run its agent's length. Caller silence is counted from the
/// caller's last speech as the VAD heard it (or the last key pressed), not from the last message: a phone line sends
/// silence all the time, and a caller may send nothing at all. The time the bot speaks does not count. After the
/// agent's <c>silence.reprompt_after_s</c> the agent says its <c>reprompt_message</c> (once per silence); after
/// <c>hangup_after_s</c> (or <see cref="Configuration.VoiceOptions.SilenceTimeout"/>) the call ends with
/// <paramref name="silenceReason"/>. At the agent's <c>max_duration_s</c> the agent says its
/// <c>max_duration_message</c> once the reply in progress is over, and the call ends with
/// <paramref name="maxDurationReason"/>. Both are on the call's clock, which advances with no audio at all.
/// </summary>
public sealed class CallLimitProcessor(CallContext call, string silenceReason, string maxDurationReason) : FrameProcessor(call.Log)
{
    private const long FirstSentenceId = 2_000_000;
    private readonly Lock _gate = new();
    private ITimer? _silenceTimer;
    private ITimer? _maxDurationTimer;
    private TimeSpan _silent;
    private DateTimeOffset? _silentSince;
    private bool _userSpeaking;
    private bool _botSpeaking;
    private bool _reprompted;
    private bool _ending;
    private long _sentenceIds = FirstSentenceId;

    private TimeSpan? RepromptAfter =>
        call.Agent.Silence is { RepromptAfterS: > 0 and var s, RepromptMessage.Length: > 0 } ? TimeSpan.FromSeconds(s) : null;

    private TimeSpan HangupAfter =>
        call.Agent.Silence?.HangupAfterS is > 0 and var s ? TimeSpan.FromSeconds(s) : call.Options.SilenceTimeout;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        // Caller audio, the bulk of what passes, changes nothing here: the clock measures the silence.
        if (frame is not (StartFrame or VadSpeechStartedFrame or VadSpeechStoppedFrame or KeypadFrame or BotStartedSpeakingFrame or BotStoppedSpeakingFrame))
        {
            return base.ProcessFrameAsync(frame, direction, ct);
        }
        lock (_gate)
        {
            var now = call.Time.GetUtcNow();
            switch (frame)
            {
                case StartFrame:
                    if (call.Agent.MaxDurationS is > 0 and var max)
                    {
                        _maxDurationTimer = call.Time.CreateTimer(static s => ((CallLimitProcessor)s!).MaxDurationReached(), this,
                            TimeSpan.FromSeconds(max) - (now - call.StartedAt), Timeout.InfiniteTimeSpan);
                    }
                    _silentSince = now;
                    break;
                case VadSpeechStartedFrame:
                    _userSpeaking = true;
                    CallerActive(now);
                    break;
                case VadSpeechStoppedFrame:
                    _userSpeaking = false;
                    CallerActive(now);
                    break;
                case KeypadFrame:
                    CallerActive(now);
                    break;
                case BotStartedSpeakingFrame:
                    Pause(now);
                    _botSpeaking = true;
                    break;
                case BotStoppedSpeakingFrame:
                    _botSpeaking = false;
                    if (!_userSpeaking) _silentSince = now;
                    break;
            }
            Arm(now);
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    /// <summary>The caller spoke or pressed a key: a new silence starts (when they stop speaking), with its reprompt.</summary>
    private void CallerActive(DateTimeOffset now)
    {
        _silent = TimeSpan.Zero;
        _reprompted = false;
        _silentSince = _userSpeaking || _botSpeaking ? null : now;
    }

    private void Pause(DateTimeOffset now)
    {
        if (_silentSince is { } since) _silent += now - since;
        _silentSince = null;
    }

    /// <summary>Sets the silence timer for the next thing due: the reprompt, else the hang-up; none while anyone speaks.</summary>
    private void Arm(DateTimeOffset now)
    {
        if (_ending || _silentSince is not { } since)
        {
            _silenceTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var silent = _silent + (now - since);
        var next = !_reprompted && RepromptAfter is { } reprompt && reprompt < HangupAfter ? reprompt : HangupAfter;
        var due = next - silent;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (_silenceTimer is null) _silenceTimer = call.Time.CreateTimer(static s => ((CallLimitProcessor)s!).SilenceDue(), this, due, Timeout.InfiniteTimeSpan);
        else _silenceTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void SilenceDue()
    {
        Frame[] say;
        lock (_gate)
        {
            var now = call.Time.GetUtcNow();
            if (_ending || _silentSince is not { } since) return;
            var silent = _silent + (now - since);
            if (silent >= HangupAfter)
            {
                _ending = true;
                say = [new EndFrame(silenceReason)];
            }
            else if (!_reprompted && RepromptAfter is { } reprompt && silent >= reprompt)
            {
                _reprompted = true;
                say = SpokenLine.Frames(call.Agent.Silence!.RepromptMessage!, ++_sentenceIds);
            }
            else
            {
                say = [];
            }
            Arm(now);
        }
        foreach (var frame in say) Push(frame);
    }

    private void MaxDurationReached()
    {
        long id;
        lock (_gate)
        {
            if (_ending) return;
            _ending = true;
            id = ++_sentenceIds;
            Arm(call.Time.GetUtcNow());
        }
        var frames = call.Agent.MaxDurationMessage is { Length: > 0 } closing
            ? SpokenLine.Frames(closing, id, maxDurationReason)
            : [new EndFrame(maxDurationReason)];
        foreach (var frame in frames) Push(frame);
    }

    protected override async ValueTask OnStoppedAsync()
    {
        ITimer? silence, max;
        lock (_gate) (silence, max) = (_silenceTimer, _maxDurationTimer);
        if (silence is not null) await silence.DisposeAsync();
        if (max is not null) await max.DisposeAsync();
    }
}
