using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Vad;

namespace VoiceAgents.VoiceHost.Processors;

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
        if (frame is InputAudioFrame { Audio: var audio } input && direction == FrameDirection.Downstream)
        {
            // When the frame's last sample was said: its arrival, or now for audio that did not come from a socket.
            var received = input.ReceivedAt ?? call.Time.GetUtcNow();
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
                    // Batched with the other calls' windows (SileroVad); the frame goes on once it is classified. What it
                    // finds is stamped with when the window's last sample was said, not when the batch came back.
                    var saidAt = received - TimeSpan.FromSeconds((double)(audio.Length - offset) / audio.SampleRate);
                    Classify(await vad.ProcessAsync(_window), saidAt, TimeSpan.FromSeconds((double)offset / audio.SampleRate));
                }
            }
        }
        await base.ProcessFrameAsync(frame, direction, ct);
    }

    /// <param name="inFrame">How much of the frame the window's end lies into: audio the frame brings, which follows the frames this pushes.</param>
    private void Classify(float probability, DateTimeOffset saidAt, TimeSpan inFrame)
    {
        var o = call.Options;
        if (!_speaking)
        {
            _speechRun = probability >= o.VadStartThreshold ? _speechRun + WindowSeconds : 0;
            if (_speechRun >= o.VadStartSeconds - 1e-9)
            {
                _speaking = true;
                _silenceRun = 0;
                Push(new VadSpeechStartedFrame(saidAt));
            }
        }
        else
        {
            _silenceRun = probability < o.VadStopThreshold ? _silenceRun + WindowSeconds : 0;
            if (_silenceRun >= o.VadStopSeconds - 1e-9)
            {
                _speaking = false;
                _speechRun = 0;
                var silence = TimeSpan.FromSeconds(_silenceRun);
                // The frame goes on after the stop, and whoever counts the silence counts all of it then.
                Push(new VadSpeechStoppedFrame(saidAt - silence, silence - inFrame));
            }
        }
    }
}
