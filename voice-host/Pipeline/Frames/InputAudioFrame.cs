using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Caller audio, PCM16 mono, at <see cref="AudioChunk.SampleRate"/>.</summary>
public sealed record InputAudioFrame(AudioChunk Audio) : SystemFrame;
