namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>How many samples of a sentence the TTS has queued, and whether it has finished.</summary>
public sealed class SentenceAudio
{
    private int _samples;
    private volatile bool _complete;

    public int Samples => Volatile.Read(ref _samples);
    public bool Complete => _complete;
    public void Add(int samples) => Interlocked.Add(ref _samples, samples);
    public void Finish() => _complete = true;
}
