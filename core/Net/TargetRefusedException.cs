namespace VoiceAgents.Core.Net;

/// <summary>A connection the SSRF guard refused: the host resolves to an address that is not public.</summary>
public sealed class TargetRefusedException(string message) : Exception(message);
