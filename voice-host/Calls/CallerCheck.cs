namespace VoiceAgents.VoiceHost.Calls;

/// <summary>The outcome of checking a caller's auth message: a grant, or the close code and reason that refuse it.</summary>
public sealed record CallerCheck(CallerGrant? Grant, int Code = 0, string? Reason = null)
{
    public static CallerCheck Refuse(int code, string reason) => new(null, code, reason);
}
