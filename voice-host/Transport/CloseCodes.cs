namespace VoiceAgents.VoiceHost.Transport;

/// <summary>The close codes of the /ws protocol (docs/voice-protocol.md).</summary>
public static class CloseCodes
{
    public const int Normal = 1000;
    public const int MessageTooBig = 1009;

    /// <summary>RFC 6455 "Internal Error": a stage of the call's pipeline crashed.</summary>
    public const int InternalError = 1011;

    /// <summary>RFC 6455 "Try Again Later": the instance is draining, or a concurrent-call limit is reached.</summary>
    public const int TryAgainLater = 1013;
    public const int BadMessage = 4400;
    public const int Unauthorized = 4401;
    public const int Forbidden = 4403;

    /// <summary>Caller audio ran ahead of real time by more than the burst allowance (<c>Voice:AudioBurst</c>).</summary>
    public const int AudioTooFast = 4429;

    /// <summary>A publishable key's calls per minute are used up; the reason says when to try again.</summary>
    public const int TooManyCalls = 4429;
    public const int Unavailable = 4503;
}
