using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Tools;

/// <summary>
/// One tool a call may use: what the model is told about it, and how to run it. Sources (<see cref="IToolSource"/>)
/// make them per call: the agent's HTTP tools, its MCP servers' tools, the built-ins.
/// </summary>
public interface ICallTool
{
    ToolDefinition Definition { get; }

    /// <summary>Said once when the tool runs longer than the threshold; null to stay quiet.</summary>
    string? SpeakWhileRunning { get; }

    /// <summary>
    /// A barge-in cancels a run in flight (the agent's <c>cancel_on_barge_in</c>): the request is aborted and the model
    /// is told the caller cancelled it. Otherwise the run finishes and its result joins the conversation.
    /// </summary>
    bool CancelOnBargeIn => false;

    /// <summary>
    /// Runs the call. Failures the model should hear about (a refused request, a timeout, a bad answer) are a
    /// <see cref="ToolResult"/> with an error, never an exception; <paramref name="ct"/> cancels it (hang-up, or a
    /// barge-in when <see cref="CancelOnBargeIn"/>).
    /// </summary>
    Task<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken ct);
}
