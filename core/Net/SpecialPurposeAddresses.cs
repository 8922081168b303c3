using System.Net;
using System.Net.Sockets;

namespace VoiceAgents.Core.Net;

/// <summary>
/// The addresses a request to a tenant's URL may never reach, from IANA's IPv4 and IPv6 Special-Purpose Address
/// Registries: every block they mark not globally reachable, with multicast and Azure's platform address besides.
/// IPv6 is allowed only inside global unicast (2000::/3), which also refuses the deprecated IPv4-compatible
/// <c>::a.b.c.d</c>, SIIT's <c>::ffff:0:a.b.c.d</c>, NAT64's local-use <c>64:ff9b:1::/48</c>, unique-local,
/// link-local and multicast. Forms that carry an IPv4 address to a v4 network (IPv4-mapped, NAT64's
/// <c>64:ff9b::/96</c> and 6to4's <c>2002::/16</c>) are judged by the IPv4 address inside them.
/// </summary>
public static class SpecialPurposeAddresses
{
    private static readonly IPNetwork[] ForbiddenV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network"
        IPNetwork.Parse("10.0.0.0/8"),         // private
        IPNetwork.Parse("100.64.0.0/10"),      // shared address space (CGNAT)
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, the cloud metadata address
        IPNetwork.Parse("172.16.0.0/12"),      // private
        // IETF protocol assignments. Two anycast addresses inside are globally reachable (192.0.0.9 PCP,
        // 192.0.0.10 TURN); no webhook or tool is served there, so the whole block is refused.
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),       // documentation (TEST-NET-1)
        IPNetwork.Parse("192.88.99.0/24"),     // the deprecated 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"),     // private
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),    // documentation (TEST-NET-2)
        IPNetwork.Parse("203.0.113.0/24"),     // documentation (TEST-NET-3)
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, and 255.255.255.255 (limited broadcast)
        IPNetwork.Parse("168.63.129.16/32"),   // Azure's platform address (DNS, health probes, the wire server)
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    /// <summary>The special-purpose blocks inside global unicast that are not globally reachable.</summary>
    private static readonly IPNetwork[] ForbiddenV6 =
    [
        // IETF protocol assignments: Teredo (2001::/32), benchmarking (2001:2::/48), ORCHID and a few anycast
        // blocks. Some of the latter are globally reachable, but none serves a tenant's URL.
        IPNetwork.Parse("2001::/23"),
        IPNetwork.Parse("2001:db8::/32"),      // documentation
        IPNetwork.Parse("3fff::/20"),          // documentation
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Whether an outbound request may never reach <paramref name="address"/>.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                return Any(ForbiddenV4, address);
            case AddressFamily.InterNetworkV6:
                if (address.IsIPv4MappedToIPv6) return IsForbidden(address.MapToIPv4());
                if (address.ScopeId != 0) address = new IPAddress(address.GetAddressBytes());
                // NAT64 (last 32 bits) and 6to4 (bits 16 to 47) reach the IPv4 address they carry.
                if (Nat64.Contains(address)) return IsForbidden(EmbeddedV4(address, 12));
                if (SixToFour.Contains(address)) return IsForbidden(EmbeddedV4(address, 2));
                return !GlobalUnicastV6.Contains(address) || Any(ForbiddenV6, address);
            default:
                return true;
        }
    }

    private static bool Any(IPNetwork[] networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    private static IPAddress EmbeddedV4(IPAddress v6, int offset)
    {
        Span<byte> bytes = stackalloc byte[16];
        v6.TryWriteBytes(bytes, out _);
        return new IPAddress(bytes.Slice(offset, 4));
    }
}
