using System.Net.WebSockets;

namespace VoiceAgents.Client;

/// <summary>The clients' last word on a socket: a close that may fail or time out, because the call is over either way.</summary>
internal static class SocketClosing
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Closes with code 1000 and <paramref name="reason"/> within 2 s: the whole handshake while the socket is open,
    /// or, with <paramref name="outputOnly"/>, just this side's close frame (also answering a close voice-host sent).
    /// </summary>
    public static async Task CloseQuietlyAsync(WebSocket socket, string reason, bool outputOnly)
    {
        if (outputOnly ? socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived) : socket.State != WebSocketState.Open) return;
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            if (outputOnly) await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
            else await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }
}
