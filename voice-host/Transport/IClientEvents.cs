namespace VoiceAgents.VoiceHost.Transport;

/// <summary>What the pipeline sends to the caller: JSON events and reply audio. One per call, written by one writer.</summary>
public interface IClientEvents
{
    /// <summary>Queues a JSON event such as <c>{type:"transcript", ...}</c>.</summary>
    void Send(ClientEvent e);

    /// <summary>Sends reply audio, PCM16 mono at the call's output sample rate.</summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<short> samples, CancellationToken ct);
}
