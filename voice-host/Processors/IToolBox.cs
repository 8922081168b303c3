using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The tools of a call as the LLM stage uses them: what to offer, what to say while one runs, and running a round
/// of calls. <c>Tools/CallTools</c> implements it (Tools/ builds on the call's context, so the stage sees only this).
/// The stage disposes it when the call ends.
/// </summary>
public interface IToolBox : IAsyncDisposable
{
    IReadOnlyList<ToolDefinition> Definitions { get; }

    /// <summary>The line to say when the named tool runs long, or null.</summary>
    string? SpeakWhileRunning(string name);

    /// <summary>
    /// Runs <paramref name="calls"/> concurrently under the call's lifetime <paramref name="ct"/>; a tool message per
    /// call, in the calls' order. <paramref name="bargeIn"/> (the reply's token) cancels the tools that ask for it.
    /// </summary>
    Task<ToolRoundResult> RunAsync(CallContext call, IReadOnlyList<ToolCallRequest> calls, CancellationToken bargeIn, CancellationToken ct);
}
