using Microsoft.Extensions.DependencyInjection;

namespace VoiceAgents.VoiceHost.Tools.Mcp;

public static class McpToolsSetup
{
    /// <summary>Agents' MCP tools: <see cref="McpToolSource"/> as an <see cref="IToolSource"/>, with its settings.</summary>
    public static IServiceCollection AddMcpTools(this IServiceCollection services)
    {
        services.AddOptions<McpToolOptions>().BindConfiguration(McpToolOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton<IToolSource, McpToolSource>();
        return services;
    }
}
