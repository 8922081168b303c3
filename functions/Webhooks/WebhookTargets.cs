using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>A webhook target refused by the SSRF guard: not https, or an address that is not public.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard. A webhook URL must be https and its host must resolve only to public addresses: no private
/// (10/8, 172.16/12, 192.168/16, fc00::/7), loopback, link-local (169.254/16 with the cloud metadata address,
/// fe80::/10), unspecified, CGNAT (100.64/10), multicast or reserved ones. It is checked when a webhook is saved and
/// again on every connection: <see cref="ConnectAsync"/> resolves the host itself, vets every address and connects
/// to a vetted one, so a DNS answer that changes after the check (DNS rebinding) cannot reach an internal service.
/// <see cref="WebhookOptions.AllowPrivateTargets"/> lifts both rules for local runs.
/// </summary>
public sealed class WebhookTargets(IOptions<WebhookOptions> options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);
    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    private static readonly (IPAddress Network, int Prefix)[] Forbidden =
    [
        (IPAddress.Parse("0.0.0.0"), 8),          // "this network", unspecified
        (IPAddress.Parse("10.0.0.0"), 8),         // private
        (IPAddress.Parse("100.64.0.0"), 10),      // CGNAT
        (IPAddress.Parse("127.0.0.0"), 8),        // loopback
        (IPAddress.Parse("169.254.0.0"), 16),     // link-local, cloud metadata
        (IPAddress.Parse("172.16.0.0"), 12),      // private
        (IPAddress.Parse("192.0.0.0"), 24),       // IETF protocol assignments
        (IPAddress.Parse("192.168.0.0"), 16),     // private
        (IPAddress.Parse("198.18.0.0"), 15),      // benchmarking
        (IPAddress.Parse("224.0.0.0"), 4),        // multicast
        (IPAddress.Parse("240.0.0.0"), 4),        // reserved, broadcast
        (IPAddress.Parse("::"), 128),             // unspecified
        (IPAddress.Parse("::1"), 128),            // loopback
        (IPAddress.Parse("fc00::"), 7),           // unique local
        (IPAddress.Parse("fe80::"), 10),          // link-local
        (IPAddress.Parse("fec0::"), 10),          // site-local (deprecated)
        (IPAddress.Parse("ff00::"), 8),           // multicast
    ];

    public bool AllowPrivateTargets => options.Value.AllowPrivateTargets;

    /// <summary>Whether an address is one a webhook may never reach (in production).</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && InPrefix(address, Nat64, 96))
        {
            // NAT64: the IPv4 address in the last 32 bits is what is really reached.
            address = new IPAddress(address.GetAddressBytes().AsSpan(12).ToArray());
        }
        foreach (var (network, prefix) in Forbidden)
        {
            if (InPrefix(address, network, prefix)) return true;
        }
        return false;
    }

    /// <summary>Why <paramref name="url"/> may not be a webhook target, or null when it may.</summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (SchemeRefusal(url) is { } scheme) return scheme;
        if (AllowPrivateTargets) return null;
        try
        {
            var forbidden = (await ResolveAsync(url.IdnHost, ct)).FirstOrDefault(IsForbidden);
            return forbidden is null ? null : $"must not point at a private, loopback or link-local address ({url.IdnHost} is {forbidden}).";
        }
        catch (SocketException)
        {
            return $"must have a host that resolves ({url.IdnHost} does not).";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"must have a host that resolves ({url.IdnHost} did not within {ResolveTimeout.TotalSeconds:0} s).";
        }
    }

    public string? SchemeRefusal(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps || (AllowPrivateTargets && url.Scheme == Uri.UriSchemeHttp) ? null : "must be an https URL.";

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of webhook deliveries: resolves the host, refuses it when
    /// any of its addresses is forbidden, and connects to the vetted addresses only.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endpoint.Host, ct);
        if (!AllowPrivateTargets && addresses.FirstOrDefault(IsForbidden) is { } forbidden)
        {
            throw new WebhookTargetRefusedException($"{endpoint.Host} resolves to {forbidden}, a private, loopback or link-local address; refused.");
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e) when (e is SocketException && !ct.IsCancellationRequested)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return [literal];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ResolveTimeout);
        var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    private static bool InPrefix(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        Span<byte> a = stackalloc byte[16], n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.TryWriteBytes(n, out _);
        for (var bit = 0; bit < prefix && bit < length * 8; bit += 8)
        {
            var bits = Math.Min(8, prefix - bit);
            var mask = (byte)(0xFF << (8 - bits));
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) return false;
        }
        return true;
    }
}
