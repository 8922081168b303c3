using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Barge-in that means it, after the STT: a turn the caller began over the bot interrupts only when its words
/// mean it (<see cref="InterruptionSettings"/>), and a false interruption is undone.
/// <list type="bullet">
/// <item>When the agent's interruption waits for words, the turn detector's <see cref="BargeInFrame"/> (speech that
/// lasted the minimum) is held until the words come: interim transcripts as they arrive, else the turn's final
/// transcript (the local STT gives no interim results, so there the bot stops only once the turn has ended and been
/// decoded). Words that are at least <c>min_words</c> and not only backchannels interrupt; the others are dropped:
/// the bot talks on, and they are no turn, so nothing answers them and the conversation never holds them (the
/// call's transcript and recording still do).</item>
/// <item>An interruption whose turn brings no words at all (a cough, a door) is false: <c>resume_after_ms</c> after
/// that turn ends, the words of the cut sentence the caller did not hear (<see cref="UnplayedTextFrame"/>, from the
/// output) are said after all. Only that sentence: the rest of the reply was cancelled with it.</item>
/// </list>
/// All state is the system lane's; the resume timer comes back to it as a frame.
/// </summary>
public sealed partial class InterruptionProcessor(CallContext call) : FrameProcessor(call.Log)
{
    private const long FirstSentenceId = 3_000_000;
    private readonly InterruptionSettings _settings = call.Agent.Interruption ?? new InterruptionSettings();
    private readonly Backchannels _backchannels = new((call.Agent.Interruption ?? new InterruptionSettings()).EffectiveBackchannels);
    private long _sentenceIds = FirstSentenceId;
    private bool _botSpeaking;
    private long _turn;
    private bool _overBot;
    private bool _longEnough;
    private bool _interrupted;
    private bool _heardWords;
    private UserStoppedSpeakingFrame? _turnEnded;
    private bool _timed;
    private string _interim = "";
    private string? _unplayed;
    private ITimer? _resume;

    /// <summary>The resume timer of turn <paramref name="Turn"/> fired; it queues this on the processor's own system lane.</summary>
    private sealed record ResumeDue(long Turn) : SystemFrame;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case UserStartedSpeakingFrame started:
                _turn++;
                _overBot = started.BotSpeaking;
                _longEnough = _interrupted = _heardWords = _timed = false;
                _turnEnded = null;
                _interim = "";
                StopResumeTimer();
                break;
            case BargeInFrame bargeIn:
                _overBot = _longEnough = true;
                if (_botSpeaking && Means(_interim, partial: true)) Interrupt(bargeIn.At);
                return ValueTask.CompletedTask;
            case InterruptionFrame:
                // Turn detection interrupted on speech alone (the agent waits for no words).
                _interrupted = true;
                _botSpeaking = false;
                _unplayed = null;
                break;
            case InterimTranscriptionFrame interim:
                _interim = interim.Text;
                if (Backchannels.Words(interim.Text).Length > 0) Heard();
                if (_overBot && _longEnough && !_interrupted && _botSpeaking && Means(interim.Text, partial: true)) Interrupt(call.Time.GetUtcNow());
                // Over the bot, until the words interrupt, they may be a backchannel, which the caller is not shown.
                if (_overBot && !_interrupted && _settings.NeedsWords) return ValueTask.CompletedTask;
                break;
            case TranscriptionFrame final:
                Heard();
                if (_overBot && !_interrupted && !Answer(final)) return ValueTask.CompletedTask;
                break;
            case UserStoppedSpeakingFrame stopped:
                _turnEnded = stopped;
                // Turn detection did not time a turn that ended over the bot (it may be a backchannel): it is timed here once it interrupts.
                _timed = !_overBot || _interrupted || !_settings.NeedsWords;
                if (!_interrupted || _heardWords || _settings.EffectiveResumeAfterMs <= 0) break;
                StopResumeTimer();
                _resume = call.Time.CreateTimer(static s => ((ResumeState)s!).Due(), new ResumeState(this, _turn),
                    TimeSpan.FromMilliseconds(_settings.EffectiveResumeAfterMs), Timeout.InfiniteTimeSpan);
                break;
            case ResumeDue due:
                if (due.Turn == _turn && !_heardWords && _unplayed is { } rest)
                {
                    _unplayed = null;
                    LogResumed(Log, call.CallId, rest.Length);
                    foreach (var f in SpokenLine.Frames(rest, ++_sentenceIds)) Push(f);
                }
                return ValueTask.CompletedTask;
            case UnplayedTextFrame unplayed:
                _unplayed = unplayed.Text;
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

    /// <summary>Whether the final transcript of a turn begun over the bot, which has not interrupted it, is a turn; interrupts when it should.</summary>
    private bool Answer(TranscriptionFrame final)
    {
        if (_settings.NeedsWords && !Means(final.Text, partial: false))
        {
            LogDropped(Log, call.CallId);
            return false;
        }
        if (!_botSpeaking) return true;
        // The bot still talks: too short a barge-in is no turn either, lest its answer queue behind the reply.
        if (!_settings.NeedsWords || !_longEnough)
        {
            LogDropped(Log, call.CallId);
            return false;
        }
        Interrupt(final.At);
        return true;
    }

    /// <summary>At least <c>min_words</c> words, not only backchannels (nor, in an interim, the start of one).</summary>
    private bool Means(string text, bool partial)
    {
        var words = Backchannels.Words(text);
        return words.Length > 0 && words.Length >= _settings.EffectiveMinWords && !_backchannels.Only(words, partial);
    }

    private void Interrupt(DateTimeOffset at)
    {
        if (_turnEnded is { } ended && !_timed)
        {
            _timed = true;
            call.Turns.UserTurnEnded(ended.SpeechEndedAt, ended.At);
            call.Turns.SttDone();
        }
        _interrupted = true;
        _botSpeaking = false;
        _unplayed = null;
        Push(new InterruptionFrame(at));
    }

    private void Heard()
    {
        _heardWords = true;
        StopResumeTimer();
    }

    private void StopResumeTimer()
    {
        _resume?.Dispose();
        _resume = null;
    }

    protected override ValueTask OnStoppedAsync()
    {
        StopResumeTimer();
        return ValueTask.CompletedTask;
    }

    private sealed record ResumeState(FrameProcessor Target, long Turn)
    {
        public void Due() => Target.Enqueue(new ResumeDue(Turn), FrameDirection.Downstream);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call {CallId}: speech over the bot did not mean to interrupt (a backchannel, too few words or too short); dropped")]
    private static partial void LogDropped(ILogger log, string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: a false interruption (no words); resuming the cut sentence ({Chars} characters)")]
    private static partial void LogResumed(ILogger log, string callId, int chars);
}
