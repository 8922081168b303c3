namespace VoiceAgents.VoiceHost.Transport;

/// <summary>A Media Streams <c>dtmf</c> message's payload: the key the caller pressed (<c>0</c>-<c>9</c>, <c>*</c>, <c>#</c>) on a track.</summary>
public sealed class DtmfInfo
{
    public string? Track { get; set; }
    public string? Digit { get; set; }
}
