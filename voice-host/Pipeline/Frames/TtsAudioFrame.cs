using VoiceAgents.VoiceHost.Audio;

namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>Synthesized speech for sentence <see cref="SentenceId"/>, at the output sample rate.</summary>
public sealed record TtsAudioFrame(AudioChunk Audio, long SentenceId) : DataFrame;
