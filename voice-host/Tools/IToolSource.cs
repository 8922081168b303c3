using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>Makes the tools of one kind for a call when it starts (registered in DI; every source is asked).</summary>
public interface IToolSource
{
    /// <summary>The call's tools; the set is disposed when the call ends, closing what the source opened for the call.</summary>
    Task<CallToolSet> ToolsForAsync(CallContext call, CancellationToken ct);
}
