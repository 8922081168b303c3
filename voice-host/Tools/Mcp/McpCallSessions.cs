using VoiceAgents.Core.Domain;

namespace VoiceAgents.VoiceHost.Tools.Mcp;

/// <summary>A call's <see cref="McpSession"/>s, one per MCP tool of the agent, closed together when the call ends.</summary>
public sealed class McpCallSessions(McpToolSource source) : IAsyncDisposable
{
    private readonly List<McpSession> _sessions = [];

    public McpSession For(AgentTool server)
    {
        var session = new McpSession(source, server);
        lock (_sessions) _sessions.Add(session);
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        McpSession[] sessions;
        lock (_sessions) sessions = [.. _sessions];
        await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask()));
    }
}
