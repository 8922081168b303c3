using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Transport;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>When a provider is down and has no working fallback: a short apology, then the call ends cleanly.</summary>
public static class Apology
{
    public const string Text = "I'm sorry, I'm having technical trouble right now. Please call back later. Goodbye.";

    public static void Say(FrameProcessor from, CallContext call, Exception cause, Action<Frame, FrameDirection> push)
    {
        call.Log.LogWarning(cause, "Provider unavailable in call {CallId}; apologising and ending the call", call.CallId);
        call.Events.Send(new ErrorEvent("A provider is unavailable; the call will end.", false));
        push(new LlmResponseStartFrame(), FrameDirection.Downstream);
        push(new TextFrame(Text, -1), FrameDirection.Downstream);
        push(new LlmResponseEndFrame(), FrameDirection.Downstream);
        push(new EndFrame("provider_unavailable"), FrameDirection.Downstream);
    }
}
