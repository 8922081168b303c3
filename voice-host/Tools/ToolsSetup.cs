using Microsoft.Extensions.DependencyInjection.Extensions;
using VoiceAgents.Core.Net;
using VoiceAgents.VoiceHost.Tools.Http;

namespace VoiceAgents.VoiceHost.Tools;

public static class ToolsSetup
{
    /// <summary>
    /// The tool sources and what they share: the SSRF guard (lifted by <c>Tools:AllowPrivateTargets</c>, the one switch
    /// for HTTP tools and MCP servers, see <see cref="ToolOptions"/>) and the HTTP tools' client.
    /// </summary>
    public static IServiceCollection AddTools(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => new SsrfGuard(ToolOptions.PrivateTargetsAllowed(configuration)));
        services.AddHttpClient(HttpToolClient.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<SsrfGuard>().ConnectAsync,
            })
            // Tools have their own timeouts and retries would repeat a booking: no resilience handler here.
            .SetHandlerLifetime(TimeSpan.FromMinutes(2));
        services.AddSingleton<HttpToolClient>();
        services.AddSingleton<IToolSource, HttpToolSource>();
        return services;
    }
}
