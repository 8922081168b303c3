using System.ComponentModel.DataAnnotations;

namespace VoiceAgents.Functions.Auth;

/// <summary>
/// Where the rate limits find the caller's address. Unset <see cref="Header"/> (as under <c>./run.sh</c>): the TCP
/// peer, and every forwarding header is ignored. Behind proxies that append the peer they saw to a header
/// (Azure's Functions front end appends one hop to <c>X-Forwarded-For</c>): that header and how many hops they add.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "TrustedProxy";

    /// <summary>A header holding a comma-separated list of addresses, each optionally with a port, e.g. <c>X-Forwarded-For</c>.</summary>
    public string? Header { get; set; }

    /// <summary>How many trusted proxies append to <see cref="Header"/>: the caller is that many entries from the right.</summary>
    [Range(1, 10)] public int Hops { get; set; } = 1;
}
