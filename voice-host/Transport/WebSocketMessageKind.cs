namespace VoiceAgents.VoiceHost.Transport;

/// <summary>What <see cref="WebSocketMessageReader.ReadAsync"/> read.</summary>
public enum WebSocketMessageKind
{
    Text,
    Binary,

    /// <summary>The peer closed the socket.</summary>
    Close,

    /// <summary>The message is over the size limit; the rest of it was not read.</summary>
    TooBig,
}
