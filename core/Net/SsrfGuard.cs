using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace VoiceAgents.Core.Net;

/// <summary>
/// The SSRF guard of every request the platform makes to a URL a tenant chose (webhooks, agent tools). The URL
/// must be https and its host must resolve only to public addresses (<see cref="SpecialPurposeAddresses"/>). It is
/// checked when the URL is saved and again on every connection: <see cref="ConnectAsync"/> resolves the host itself,
/// vets every address and connects to a vetted one, so a DNS answer that changes after the check (DNS rebinding)
/// cannot reach an internal service. <paramref name="allowPrivateTargets"/> lifts both rules, for local runs only.
/// </summary>
public sealed class SsrfGuard(bool allowPrivateTargets)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Plain http and private, loopback and link-local targets are allowed (local runs only).</summary>
    public bool AllowPrivateTargets { get; } = allowPrivateTargets;

    /// <summary>Why <paramref name="url"/> may not be a target, as a validation message, or null when it may.</summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (SchemeRefusal(url) is { } scheme) return scheme;
        if (AllowPrivateTargets) return null;
        try
        {
            var forbidden = (await ResolveAsync(url.IdnHost, ct)).FirstOrDefault(SpecialPurposeAddresses.IsForbidden);
            return forbidden is null ? null : $"must not point at a private, loopback, link-local or other special-purpose address ({url.IdnHost} is {forbidden}).";
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

    /// <summary>Why the URL's scheme is refused (anything but https, or http when private targets are allowed), or null.</summary>
    public string? SchemeRefusal(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps || (AllowPrivateTargets && url.Scheme == Uri.UriSchemeHttp) ? null : "must be an https URL.";

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, throws <see cref="TargetRefusedException"/>
    /// when any of its addresses is forbidden, and connects to the vetted addresses only.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endpoint.Host, ct);
        if (!AllowPrivateTargets && addresses.FirstOrDefault(SpecialPurposeAddresses.IsForbidden) is { } forbidden)
        {
            throw new TargetRefusedException($"{endpoint.Host} resolves to {forbidden}, a private, loopback, link-local or other special-purpose address; refused.");
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
}
