namespace VoiceAgents.VoiceHost.Tools;

/// <summary>Settings all agents' tools share (section <c>Tools</c>).</summary>
public sealed class ToolOptions
{
    public const string Section = "Tools";

    /// <summary>
    /// The one SSRF switch for agents' tools, HTTP tools and MCP servers alike: plain http and private, loopback and
    /// link-local targets are allowed (<c>./run.sh</c> and the compose file set it, for receivers on this machine);
    /// never in production.
    /// </summary>
    public bool? AllowPrivateTargets { get; set; }

    /// <summary>
    /// <see cref="AllowPrivateTargets"/>, or when it is unset the older keys it replaces (<c>Webhooks:AllowPrivateTargets</c>,
    /// which HTTP tools read, and <c>Tools:Mcp:AllowPrivateTargets</c>), so existing settings keep working.
    /// </summary>
    public static bool PrivateTargetsAllowed(IConfiguration configuration) =>
        configuration.GetValue<bool?>($"{Section}:{nameof(AllowPrivateTargets)}")
        ?? (configuration.GetValue<bool>("Webhooks:AllowPrivateTargets") || configuration.GetValue<bool>("Tools:Mcp:AllowPrivateTargets"));
}
