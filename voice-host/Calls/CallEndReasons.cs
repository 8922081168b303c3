namespace VoiceAgents.VoiceHost.Calls;

/// <summary>Why a call ended, where voice-host itself decides it (<c>end.reason</c>, the call log's end reason).</summary>
public static class CallEndReasons
{
    public const string Shutdown = "shutdown";
    public const string ProtocolError = "protocol_error";

    /// <summary>Caller audio ran ahead of real time (a flood).</summary>
    public const string AudioTooFast = "audio_too_fast";

    /// <summary>The caller said nothing (and pressed no key) for the agent's <c>silence.hangup_after_s</c>, or <c>Voice:SilenceTimeout</c>.</summary>
    public const string Silence = "silence";

    /// <summary>The call reached its agent's <c>max_duration_s</c> (after the closing line), or <c>Voice:MaxCallDuration</c>.</summary>
    public const string MaxDuration = "max_duration";

    /// <summary>The agent handed the phone call to one of its transfer destinations (<c>transfer_call</c>): the tool's result ends the call after the hand-off line (<c>LlmProcessor.TransferredReason</c>), then the call is redirected.</summary>
    public const string Transferred = "transferred";

    /// <summary>A stage of the pipeline crashed.</summary>
    public const string Error = "error";
}
