using Microsoft.Extensions.DependencyInjection.Extensions;
using VoiceAgents.Core.Net;
using VoiceAgents.VoiceHost.Tools.Http;

namespace VoiceAgents.VoiceHost.Tools;

public static class ToolsSetup
{
    /// <summary>
    /// The tool sources and what they share: the SSRF guard (with <c>Webhooks:AllowPrivateTargets</c>, the one switch
    /// that <c>./run.sh</c> sets for local receivers, so tools and webhooks are guarded alike) and the HTTP tools' client.
    /// </summary>
    public static IServiceCollection AddTools(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => new SsrfGuard(configuration.GetValue<bool>("Webhooks:AllowPrivateTargets")));
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
