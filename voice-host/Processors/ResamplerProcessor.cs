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
        if (frame is InputAudioFrame { Audio: var audio } input && direction == FrameDirection.Downstream)
        {
            Push(input with { Audio = Record(audio) });
            return ValueTask.CompletedTask;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    /// <summary>Caller audio that arrived before the hang-up but was still queued is part of the recording too.</summary>
    protected override void OnDropped(Frame frame, FrameDirection direction)
    {
        if (frame is InputAudioFrame { Audio: var audio } && direction == FrameDirection.Downstream) Record(audio);
    }

    private AudioChunk Record(AudioChunk audio)
    {
        if (audio.SampleRate != PipelineRate)
        {
            if (_resampler is null || _resampler.InputRate != audio.SampleRate) _resampler = Resampler.ForRecognizer(audio.SampleRate, PipelineRate);
            var max = _resampler.MaxOutputLength(audio.Length);
            if (_output.Length < max) _output = new short[Math.Max(max, _output.Length * 2)];
            var n = _resampler.Process(audio.Samples.Span, _output);
            audio = new AudioChunk(_output.AsSpan(0, n).ToArray(), PipelineRate);
        }
        call.Recorder.WriteUser(audio.Samples.Span);
        return audio;
    }
}
