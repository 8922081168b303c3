using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Turn detection: a turn starts with speech and ends after <see cref="VoiceOptions.TurnEndSeconds"/> of silence.
/// Speech while the bot is talking is a barge-in: an <see cref="InterruptionFrame"/> goes downstream at once.
/// Silence is measured on the audio stream itself, which callers send continuously.
/// </summary>
public sealed class TurnProcessor(CallContext call) : FrameProcessor(call.Log)
{
    private bool _userSpeaking;
    private bool _botSpeaking;
    private DateTimeOffset? _speechEndedAt;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case VadSpeechStartedFrame started:
                _speechEndedAt = null;
                if (!_userSpeaking)
                {
                    _userSpeaking = true;
                    Push(new UserStartedSpeakingFrame(started.At));
                }
                if (_botSpeaking)
                {
                    _botSpeaking = false;
                    Push(new InterruptionFrame(started.At));
                }
                return ValueTask.CompletedTask;
            case VadSpeechStoppedFrame stopped:
                _speechEndedAt = stopped.At;
                return ValueTask.CompletedTask;
            case InputAudioFrame when _userSpeaking && _speechEndedAt is { } ended:
                var now = call.Time.GetUtcNow();
                if (now - ended >= TimeSpan.FromSeconds(call.Options.TurnEndSeconds))
                {
                    _userSpeaking = false;
                    _speechEndedAt = null;
                    call.Turns.UserTurnEnded(ended);
                    Push(new UserStoppedSpeakingFrame(ended, now));
                }
                break;
            case BotStartedSpeakingFrame:
                _botSpeaking = true;
                break;
            case BotStoppedSpeakingFrame:
                _botSpeaking = false;
                break;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }
}
