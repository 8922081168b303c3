namespace VoiceAgents.VoiceHost.Transport;

/// <summary>A transport's writer: the call's single writer of its socket, run for the call's life and completed at its end.</summary>
public interface ICallTransport : IClientEvents
{
    Task RunAsync(CancellationToken ct);

    void Complete();
}
