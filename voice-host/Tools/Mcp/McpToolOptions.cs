namespace VoiceAgents.VoiceHost.Tools.Mcp;

/// <summary>Settings of agents' MCP tools (section <c>Tools:Mcp</c>).</summary>
public sealed class McpToolOptions
{
    public const string Section = "Tools:Mcp";

    /// <summary>
    /// Plain http and private, loopback and link-local servers are allowed (<c>./run.sh</c> sets it, as it sets
    /// <c>Webhooks:AllowPrivateTargets</c>, for servers on this machine); never in production.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long a server's tool list is kept per agent before a call lists it again.</summary>
    [Providers.Positive] public TimeSpan ListCacheDuration { get; set; } = TimeSpan.FromMinutes(3);
}
