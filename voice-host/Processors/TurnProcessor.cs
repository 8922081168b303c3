using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Turn detection: a turn starts with speech and ends after a silence that the agent's <see cref="TurnEndPolicy"/>
/// decides on: fixed (<see cref="VoiceOptions.TurnEndSeconds"/> by default), or adaptive to the interim transcript,
/// which the <see cref="SttProcessor"/> after this stage sends back upstream.
/// Speech while the bot is talking is a barge-in once it has lasted the agent's <c>interruption.min_duration_ms</c>
/// (the VAD's own start, 200 ms, by default): an <see cref="InterruptionFrame"/> goes downstream at once, or, when
/// the agent's interruption waits for words (<see cref="InterruptionSettings.NeedsWords"/>), a
/// <see cref="BargeInFrame"/> that the <see cref="InterruptionProcessor"/> after the STT decides on.
/// Silence is measured on the audio stream itself, which callers send continuously: as the audio's own length, not the
/// clock's, so audio that comes late and then all at once (a network stall, or this pipeline behind on a loaded
/// machine) is not taken for a pause that ends the turn in the middle of the caller's sentence. The VAD's frames go on: the
/// <see cref="CallLimitProcessor"/> after this stage counts the caller's silence from them.
/// </summary>
public sealed class TurnProcessor(CallContext call) : FrameProcessor(call.Log)
{
    private readonly InterruptionSettings _interruption = call.Agent.Interruption ?? new InterruptionSettings();
    private readonly TurnEndPolicy _policy = new(call.Agent, call.Options);
    private bool _userSpeaking;
    private bool _botSpeaking;
    private DateTimeOffset? _speechEndedAt;
    // The caller's audio heard since their speech stopped, while _speechEndedAt is set.
    private TimeSpan _silence;
    // When the current stretch of speech began (the VAD reports it VadStartSeconds late); null in a pause.
    private DateTimeOffset? _runStartedAt;
    private bool _bargedIn;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case VadSpeechStartedFrame started:
                _speechEndedAt = null;
                _policy.SpeechMoved();
                _runStartedAt = started.At - TimeSpan.FromSeconds(call.Options.VadStartSeconds);
                if (!_userSpeaking)
                {
                    _userSpeaking = true;
                    _policy.Reset();
                    // A turn that did not mean to interrupt (a backchannel) leaves the next one free to.
                    _bargedIn = false;
                    Push(new UserStartedSpeakingFrame(started.At, _botSpeaking));
                }
                BargeIn(started.At);
                break;
            case VadSpeechStoppedFrame stopped:
                _speechEndedAt = stopped.At;
                _silence = stopped.Silence;
                _policy.SpeechMoved();
                _runStartedAt = null;
                break;
            case InterimTranscriptionFrame interim when direction == FrameDirection.Upstream:
                // The STT's copy for the turn's end stops here; the downstream copy goes to the caller. What it heard
                // counts only against the speech end this stage knows (an older one means the caller spoke since).
                _policy.Interim(interim.Text, call.Time.GetUtcNow(), interim.HeardSpeechEnd is { } heard ? heard && interim.SpeechEndedAt == _speechEndedAt : null);
                return ValueTask.CompletedTask;
            case InputAudioFrame audio when _userSpeaking:
                var now = call.Time.GetUtcNow();
                // Timed as the VAD's start was: when the audio was said.
                BargeIn(audio.ReceivedAt ?? now);
                if (_speechEndedAt is not { } ended) break;
                _silence += audio.Audio.Duration;
                if (_policy.Ends(_silence, now))
                {
                    _userSpeaking = false;
                    _speechEndedAt = null;
                    _policy.Reset();
                    // Over a bot that talks on until the words decide, the turn is timed once it interrupts (InterruptionProcessor):
                    // the bot's next audio is not its answer, and a backchannel has none.
                    if (!(_botSpeaking && _interruption.NeedsWords)) call.Turns.UserTurnEnded(ended);
                    Push(new UserStoppedSpeakingFrame(ended, now));
                }
                break;
            case BotStartedSpeakingFrame:
                _botSpeaking = true;
                _bargedIn = false;
                break;
            case BotStoppedSpeakingFrame:
                _botSpeaking = false;
                break;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    /// <summary>Speech over the bot that has lasted long enough is a barge-in, once per turn and stretch of bot speech.</summary>
    private void BargeIn(DateTimeOffset now)
    {
        if (!_botSpeaking || _bargedIn || _runStartedAt is not { } began) return;
        if (now - began < TimeSpan.FromMilliseconds(_interruption.EffectiveMinDurationMs)) return;
        _bargedIn = true;
        if (_interruption.NeedsWords)
        {
            Push(new BargeInFrame(now));
            return;
        }
        _botSpeaking = false;
        Push(new InterruptionFrame(now));
    }
}
