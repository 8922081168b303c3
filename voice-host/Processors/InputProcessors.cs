using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>Brings caller audio to 16 kHz for the VAD, STT and recording, whatever rate the client sends (8-48 kHz).</summary>
public sealed class ResamplerProcessor(CallContext call) : FrameProcessor(call.Log)
{
    public const int PipelineRate = 16000;
    private Resampler? _resampler;
    private short[] _output = new short[4096];

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is InputAudioFrame { Audio: var audio } && direction == FrameDirection.Downstream)
        {
            if (audio.SampleRate != PipelineRate)
            {
                if (_resampler is null || _resampler.InputRate != audio.SampleRate) _resampler = new Resampler(audio.SampleRate, PipelineRate);
                var max = _resampler.MaxOutputLength(audio.Length);
                if (_output.Length < max) _output = new short[Math.Max(max, _output.Length * 2)];
                var n = _resampler.Process(audio.Samples.Span, _output);
                audio = new AudioChunk(_output.AsSpan(0, n).ToArray(), PipelineRate);
            }
            call.Recorder.WriteUser(audio.Samples.Span);
            Push(new InputAudioFrame(audio));
            return ValueTask.CompletedTask;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }
}

/// <summary>
/// Silero VAD over 32 ms windows. Reports a start once speech has lasted <see cref="VoiceOptions.VadStartSeconds"/>
/// and a stop after <see cref="VoiceOptions.VadStopSeconds"/> of silence. Audio passes through unchanged.
/// </summary>
public sealed class VadProcessor(CallContext call, SileroVad.Stream vad) : FrameProcessor(call.Log)
{
    private const double WindowSeconds = (double)SileroVad.WindowSamples / SileroVad.SampleRate;
    private readonly short[] _window = new short[SileroVad.WindowSamples];
    private int _filled;
    private bool _speaking;
    private double _speechRun;
    private double _silenceRun;

    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is InputAudioFrame { Audio: var audio } && direction == FrameDirection.Downstream)
        {
            var offset = 0;
            while (offset < audio.Length)
            {
                var take = Math.Min(audio.Length - offset, _window.Length - _filled);
                audio.Samples.Span.Slice(offset, take).CopyTo(_window.AsSpan(_filled));
                _filled += take;
                offset += take;
                if (_filled == _window.Length)
                {
                    _filled = 0;
                    // Batched with the other calls' windows (SileroVad); the frame goes on once it is classified.
                    Classify(await vad.ProcessAsync(_window));
                }
            }
        }
        await base.ProcessFrameAsync(frame, direction, ct);
    }

    private void Classify(float probability)
    {
        var o = call.Options;
        if (!_speaking)
        {
            _speechRun = probability >= o.VadStartThreshold ? _speechRun + WindowSeconds : 0;
            if (_speechRun >= o.VadStartSeconds - 1e-9)
            {
                _speaking = true;
                _silenceRun = 0;
                Push(new VadSpeechStartedFrame(call.Time.GetUtcNow()));
            }
        }
        else
        {
            _silenceRun = probability < o.VadStopThreshold ? _silenceRun + WindowSeconds : 0;
            if (_silenceRun >= o.VadStopSeconds - 1e-9)
            {
                _speaking = false;
                _speechRun = 0;
                var now = call.Time.GetUtcNow();
                Push(new VadSpeechStoppedFrame(now - TimeSpan.FromSeconds(_silenceRun)));
            }
        }
    }
}

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
