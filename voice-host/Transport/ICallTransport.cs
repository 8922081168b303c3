namespace VoiceAgents.VoiceHost.Transport;

/// <summary>A transport's writer: the call's single writer of its socket, run for the call's life, completed at its end, and the one that closes it.</summary>
public interface ICallTransport : IClientEvents
{
    Task RunAsync(CancellationToken ct);

    void Complete();

    /// <summary>Closes the socket with a close code and reason (see <see cref="CloseCodes"/>), once what was queued has been sent.</summary>
    Task CloseAsync(int code, string reason);
}
