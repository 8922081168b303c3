using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using VoiceAgents.Client;

namespace VoiceAgents.Tests.Client;

/// <summary>The one "read a whole WebSocket message" loop the clients share, over a real socket pair on loopback.</summary>
public sealed class WebSocketMessageReaderTests
{
    private static async Task<(WebSocket Server, WebSocket Client, IDisposable Sockets)> PairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var a = new TcpClient();
        await a.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var b = await listener.AcceptTcpClientAsync();
        var server = WebSocket.CreateFromStream(b.GetStream(), new WebSocketCreationOptions { IsServer = true });
        var client = WebSocket.CreateFromStream(a.GetStream(), new WebSocketCreationOptions { IsServer = false });
        return (server, client, new Both(a, b));
    }

    private sealed class Both(TcpClient a, TcpClient b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }

    [Fact]
    public async Task Reader_joins_a_message_sent_in_fragments_larger_than_its_buffer_then_reads_the_next_one_whole()
    {
        var (server, client, sockets) = await PairAsync();
        using var _ = sockets;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var audio = new byte[40_000];
        Random.Shared.NextBytes(audio);
        var reader = new WebSocketMessageReader(client, initialSize: 1024);

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++) await server.SendAsync(audio.AsMemory(i * 4000, 4000), WebSocketMessageType.Binary, i == 9, timeout.Token);
            await server.SendAsync("""{"type":"end"}"""u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
            await server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        });

        Assert.Equal(WebSocketMessageType.Binary, await reader.ReadAsync(timeout.Token));
        Assert.Equal(audio, reader.Message.ToArray());
        Assert.Equal(WebSocketMessageType.Text, await reader.ReadAsync(timeout.Token));
        Assert.Equal("""{"type":"end"}""", Encoding.UTF8.GetString(reader.Message.Span));
        Assert.Equal(WebSocketMessageType.Close, await reader.ReadAsync(timeout.Token));
        Assert.True(reader.Message.IsEmpty);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        await sending;
    }
}
