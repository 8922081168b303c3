namespace VoiceAgents.VoiceHost.Transport;

/// <summary>The close codes of the /ws protocol (docs/voice-protocol.md).</summary>
public static class CloseCodes
{
    public const int Normal = 1000;
    public const int MessageTooBig = 1009;

    /// <summary>RFC 6455 "Try Again Later": the instance is draining.</summary>
    public const int TryAgainLater = 1013;
    public const int BadMessage = 4400;
    public const int Unauthorized = 4401;
    public const int Forbidden = 4403;
    public const int Unavailable = 4503;
}
