using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools.Http;

/// <summary>The agent's <c>http</c> tools, one <see cref="HttpCallTool"/> each, sent through the <see cref="HttpToolClient"/>.</summary>
public sealed class HttpToolSource(HttpToolClient client) : IToolSource
{
    public Task<CallToolSet> ToolsForAsync(CallContext call, CancellationToken ct) =>
        Task.FromResult(new CallToolSet(call.Agent.Tools
            .Where(t => t.Type == AgentToolTypes.Http)
            .Select(t => new HttpCallTool(t, client))
            .ToArray()));
}
