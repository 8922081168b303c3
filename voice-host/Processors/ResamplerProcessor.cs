using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// Brings caller audio to 16 kHz for the VAD, STT and recording, whatever rate the client sends (8-48 kHz). The
/// <see cref="Resampler"/> holds some audio back and gives it in bursts, so a frame may come out longer or shorter
/// than it went in, and one that gave nothing yet is not passed on; what is held at a change of rate or at the end
/// of the call is flushed, so the recording has all of the caller's audio.
/// </summary>
public sealed class ResamplerProcessor(CallContext call) : FrameProcessor(call.Log)
{
    public const int PipelineRate = 16000;
    private Resampler? _resampler;
    private short[] _output = new short[4096];

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is InputAudioFrame { Audio: var audio } && direction == FrameDirection.Downstream)
        {
            var resampled = Record(audio);
            if (resampled.Length > 0) Push(new InputAudioFrame(resampled));
            return ValueTask.CompletedTask;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }

    /// <summary>Caller audio that arrived before the hang-up but was still queued is part of the recording too.</summary>
    protected override void OnDropped(Frame frame, FrameDirection direction)
    {
        if (frame is InputAudioFrame { Audio: var audio } && direction == FrameDirection.Downstream) Record(audio);
    }

    protected override ValueTask OnStoppedAsync()
    {
        var tail = EndStream();
        if (tail > 0) call.Recorder.WriteUser(_output.AsSpan(0, tail));
        return ValueTask.CompletedTask;
    }

    private AudioChunk Record(AudioChunk audio)
    {
        // A client that changes its rate mid-call starts a new stream: the old one's held-back end comes first.
        var written = _resampler is not null && _resampler.InputRate != audio.SampleRate ? EndStream() : 0;
        if (audio.SampleRate != PipelineRate)
        {
            _resampler ??= new Resampler(audio.SampleRate, PipelineRate);
            Room(written + _resampler.MaxOutputLength(audio.Length));
            written += _resampler.Process(audio.Samples.Span, _output.AsSpan(written));
            audio = new AudioChunk(_output.AsSpan(0, written).ToArray(), PipelineRate);
        }
        else if (written > 0)
        {
            audio = new AudioChunk((short[])[.. _output.AsSpan(0, written), .. audio.Samples.Span], PipelineRate);
        }
        call.Recorder.WriteUser(audio.Samples.Span);
        return audio;
    }

    /// <summary>Flushes the current resampler's stream into the start of the scratch buffer, frees it, and returns the samples flushed.</summary>
    private int EndStream()
    {
        if (_resampler is null) return 0;
        var written = 0;
        int n;
        do
        {
            Room(written + _resampler.MaxOutputLength(0));
            n = _resampler.Flush(_output.AsSpan(written));
            written += n;
        }
        while (n > 0);
        _resampler.Dispose();
        _resampler = null;
        return written;
    }

    private void Room(int samples)
    {
        if (_output.Length < samples) Array.Resize(ref _output, Math.Max(samples, _output.Length * 2));
    }
}
