using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>Makes the tools of one kind for a call when it starts (registered in DI; every source is asked).</summary>
public interface IToolSource
{
    Task<IReadOnlyList<ICallTool>> ToolsForAsync(CallContext call, CancellationToken ct);
}
