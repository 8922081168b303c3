using System.Net.WebSockets;
using System.Text;

namespace VoiceAgents.VoiceHost.Transport;

/// <summary>Closes a server-side WebSocket with a code and reason, within a short time, whatever state the peer left it in.</summary>
public static class WebSocketClose
{
    public static async Task SendAsync(WebSocket socket, int code, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        // RFC 6455 allows 123 bytes of reason.
        while (Encoding.UTF8.GetByteCount(reason) > 123) reason = reason[..^1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }
}
