using System.Net;
using System.Net.Sockets;
using VoiceAgents.Tests.Infrastructure;

namespace VoiceAgents.Tests.PostCall;

/// <summary>
/// The outage tests stop a stand-in and expect its clients to fail fast, then start it and expect it back. Both hold
/// only if no other test's server takes the port in between (one that accepts and never answers made S3 "down" hang
/// for minutes, and "up" a lie).
/// </summary>
public sealed class StandInPortTests
{
    [Fact]
    public async Task A_stopped_stand_in_keeps_its_port_and_resets_its_clients_at_once()
    {
        await using var s3 = StandIn.Fauxqs();
        await s3.StartAsync();
        await s3.StopAsync();

        using var thief = new TcpListener(IPAddress.Loopback, s3.Port);
        Assert.Throws<SocketException>(() => thief.Start());

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        // A reset at once: HttpClient reports it as an HttpRequestException, or as the socket's own error when the
        // connection is gone before it could even read its remote end.
        var refused = await Record.ExceptionAsync(() => http.GetAsync($"http://127.0.0.1:{s3.Port}/"));
        Assert.True(refused is SocketException or HttpRequestException { InnerException: SocketException or IOException }, $"not a network error: {refused}");

        await s3.StartAsync();
        using var response = await http.GetAsync($"http://127.0.0.1:{s3.Port}/");
        Assert.True(response.Headers.Contains("x-amz-request-id") || (int)response.StatusCode < 500, $"fauxqs answered {(int)response.StatusCode}");
    }
}
