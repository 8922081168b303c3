namespace VoiceAgents.Core.Domain;

/// <summary>
/// Caller silence: after <see cref="RepromptAfterS"/> seconds with no speech the agent says
/// <see cref="RepromptMessage"/>; after <see cref="HangupAfterS"/> seconds with no speech the call ends with reason
/// <c>silence</c>. The agent's own speech does not count as the caller's silence.
/// </summary>
public sealed class SilenceSettings
{
    public int? RepromptAfterS { get; set; }
    public string? RepromptMessage { get; set; }
    public int? HangupAfterS { get; set; }
}
