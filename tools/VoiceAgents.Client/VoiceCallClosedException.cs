using System.Net.WebSockets;

namespace VoiceAgents.Client;

/// <summary>The call ended before it was ready: voice-host refused it with a close code, or the connection was lost.</summary>
public sealed class VoiceCallClosedException(WebSocketCloseStatus? closeStatus, string? closeReason, string? lost)
    : Exception(closeStatus is { } s ? $"voice-host closed the call ({(int)s}): {closeReason}" : $"connection lost: {lost ?? "closed without a close code"}")
{
    /// <summary>The close code voice-host sent, or null when the connection was lost without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; } = closeStatus;

    /// <summary>The close reason voice-host sent.</summary>
    public string? CloseReason { get; } = closeReason;

    /// <summary>Why the connection ended without a close, when it did.</summary>
    public string? Lost { get; } = lost;
}
