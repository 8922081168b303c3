using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace VoiceAgents.Functions.Auth;

/// <summary>
/// The caller's address as the rate limits count it. Only what trusted proxies wrote is believed (see
/// <see cref="TrustedProxyOptions"/>): entries a client put before them in the header are not. A port is dropped
/// (<c>a.b.c.d:port</c>, <c>[v6]:port</c>), an IPv4-mapped IPv6 address is its IPv4 address, and an IPv6 address
/// counts as its /64, since one subscriber is handed a whole /64 to rotate through.
/// </summary>
public sealed class ClientIpResolver(IOptions<TrustedProxyOptions> options)
{
    private readonly TrustedProxyOptions _options = options.Value;

    public string Resolve(HttpContext http)
    {
        if (!string.IsNullOrEmpty(_options.Header))
        {
            // Several header lines read as one list, in order, as proxies join them.
            var hops = http.Request.Headers[_options.Header]
                .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToArray();
            if (hops.Length >= _options.Hops && ParseHop(hops[^_options.Hops]) is { } forwarded) return Key(forwarded);
        }
        return http.Connection.RemoteIpAddress is { } remote ? Key(remote) : "unknown";
    }

    /// <summary>An address with or without a port, in any of the forms proxies write.</summary>
    public static IPAddress? ParseHop(string hop)
    {
        hop = hop.Trim().Trim('"');
        if (hop.Length is 0 or > 64) return null;
        if (IPAddress.TryParse(hop, out var address)) return address;
        return IPEndPoint.TryParse(hop, out var endpoint) ? endpoint.Address : null;
    }

    /// <summary>The counting key: IPv4 as is, IPv6 as its /64 prefix.</summary>
    public static string Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
