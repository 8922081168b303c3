namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// The HTTP clients of a provider made on a tenant's key with a server of the tenant's own (<c>base_url</c>): each
/// named client's <c>#tenant</c> twin, whose connections pass the SSRF guard (<see cref="VendorHttp.AddClient"/>).
/// </summary>
public sealed class TenantTargetClients(IHttpClientFactory inner) : IHttpClientFactory
{
    public static string NameFor(string name) => name + "#tenant";

    public HttpClient CreateClient(string name) => inner.CreateClient(NameFor(name));
}
