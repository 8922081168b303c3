namespace VoiceAgents.VoiceHost.Tools.Mcp;

/// <summary>Settings of agents' MCP tools (section <c>Tools:Mcp</c>).</summary>
public sealed class McpToolOptions
{
    public const string Section = "Tools:Mcp";

    // Private targets: Tools:AllowPrivateTargets (ToolOptions), the one switch for all agents' tools.

    /// <summary>How long a server's tool list is kept per agent before a call lists it again.</summary>
    [Providers.Positive] public TimeSpan ListCacheDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long a server that could not be listed is left alone (per agent and URL): calls starting meanwhile go on
    /// without its tools rather than each waiting out its timeout.
    /// </summary>
    [Providers.Positive] public TimeSpan ListFailureCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
