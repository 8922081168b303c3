using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// Caller audio, PCM16 mono, at <see cref="AudioChunk.SampleRate"/>. <paramref name="ReceivedAt"/>: when the call took
/// it off the socket, so stages that wait (the VAD's batches) can stamp what they find in it with when it was said
/// rather than when they got to it; null for audio that did not come from a socket (tests).
/// </summary>
public sealed record InputAudioFrame(AudioChunk Audio, DateTimeOffset? ReceivedAt = null) : SystemFrame;
