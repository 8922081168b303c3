namespace VoiceAgents.VoiceHost.Calls;

/// <summary>A call that may not start for this tenant (a provider it may not use); the transport closes with the reason.</summary>
public sealed class CallRefusedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
