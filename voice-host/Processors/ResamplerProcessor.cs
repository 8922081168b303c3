using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

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
