using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace VoiceAgents.Tests.Infrastructure;

/// <summary>An HTTP/1.1 response as read off the socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>The media type of Content-Type, without parameters.</summary>
    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();
}

/// <summary>
/// HTTP/1.1 written and read by hand on a socket, for what a hostile client sends and HttpClient would not: a raw
/// <c>%00</c> in the target, a body cut short, headers trickled a byte at a time.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _tcp;

    private RawHttp(TcpClient tcp, NetworkStream stream)
    {
        _tcp = tcp;
        Stream = stream;
    }

    public NetworkStream Stream { get; }

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        return new RawHttp(tcp, tcp.GetStream());
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.ASCII.GetBytes(text));

    public async Task WriteAsync(byte[] bytes) => await Stream.WriteAsync(bytes);

    /// <summary>Reads one response: status line, headers, and a body framed by Content-Length, chunks or the close.</summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
        {
            var read = await Stream.ReadAsync(chunk, cts.Token);
            if (read == 0) throw new EndOfStreamException($"the connection closed after {buffer.Count} bytes without a response");
            buffer.AddRange(chunk.AsSpan(0, read));
        }
        var lines = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray()).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = buffer.GetRange(headEnd + 4, buffer.Count - headEnd - 4);

        async Task<bool> More()
        {
            var read = await Stream.ReadAsync(chunk, cts.Token);
            body.AddRange(chunk.AsSpan(0, read));
            return read > 0;
        }

        if (headers.TryGetValue("Content-Length", out var length))
        {
            var expected = int.Parse(length, CultureInfo.InvariantCulture);
            while (body.Count < expected && await More())
            {
            }
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (IndexOf(body, "0\r\n\r\n"u8) < 0 && await More())
            {
            }
            body = Dechunk(body);
        }
        else
        {
            while (await More())
            {
            }
        }
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>Waits for the server to close the connection, reading and dropping whatever it sends first.</summary>
    public async Task<string> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new List<byte>();
        var chunk = new byte[4096];
        try
        {
            int read;
            while ((read = await Stream.ReadAsync(chunk, cts.Token)) > 0) received.AddRange(chunk.AsSpan(0, read));
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static List<byte> Dechunk(List<byte> body)
    {
        var result = new List<byte>();
        var position = 0;
        while (true)
        {
            var lineEnd = IndexOf(body.GetRange(position, body.Count - position), "\r\n"u8);
            if (lineEnd < 0) return result;
            var size = int.Parse(Encoding.ASCII.GetString(body.GetRange(position, lineEnd).ToArray()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) return result;
            result.AddRange(body.GetRange(position + lineEnd + 2, size));
            position += lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(haystack).IndexOf(needle);

    public ValueTask DisposeAsync()
    {
        Stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
