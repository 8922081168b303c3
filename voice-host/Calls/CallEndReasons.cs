namespace VoiceAgents.VoiceHost.Calls;

/// <summary>Why a call ended, where voice-host itself decides it (<c>end.reason</c>, the call log's end reason).</summary>
public static class CallEndReasons
{
    public const string Shutdown = "shutdown";
    public const string ProtocolError = "protocol_error";

    /// <summary>Caller audio ran ahead of real time (a flood).</summary>
    public const string AudioTooFast = "audio_too_fast";

    /// <summary>A stage of the pipeline crashed.</summary>
    public const string Error = "error";

    /// <summary>A tool handed the call on (<c>ToolResult.EndsCall</c>): it ends after the agent's hand-off line.</summary>
    public const string Transferred = Processors.LlmProcessor.TransferredReason;
}
