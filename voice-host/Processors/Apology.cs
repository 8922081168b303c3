using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>When a provider is down and has no working fallback, or a stage crashed: a short apology, then the call ends cleanly.</summary>
public static class Apology
{
    public const string Text = "I'm sorry, I'm having technical trouble right now. Please call back later. Goodbye.";

    /// <summary>The apology as a reply of one sentence, then the end of the call for <paramref name="reason"/>.</summary>
    public static Frame[] Reply(long sentenceId, string reason) => SpokenLine.Frames(Text, sentenceId, reason);

    /// <summary>Tells the caller a provider is unavailable, and says the apology.</summary>
    public static void Say(CallContext call, Exception cause, Action<Frame, FrameDirection> push)
    {
        call.Log.LogWarning(cause, "Provider unavailable in call {CallId}; apologising and ending the call", call.CallId);
        push(new ErrorFrame("A provider is unavailable; the call will end."), FrameDirection.Downstream);
        foreach (var frame in Reply(-1, "provider_unavailable")) push(frame, FrameDirection.Downstream);
    }
}
