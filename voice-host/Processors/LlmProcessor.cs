using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using VoiceAgents.VoiceHost.Pipeline.Frames;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Providers;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>Streams the LLM's reply as text frames. A barge-in cancels the request in flight.</summary>
public sealed class LlmProcessor(CallContext call, ILlmProvider llm) : FrameProcessor(call.Log)
{
    protected override async ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is not LlmRunFrame run)
        {
            await base.ProcessFrameAsync(frame, direction, ct);
            return;
        }
        Push(new LlmResponseStartFrame());
        call.Turns.LlmStarted();
        var endCall = false;
        var first = true;
        try
        {
            await foreach (var delta in llm.StreamAsync(new LlmRequest(call.Agent, run.Messages), ct))
            {
                if (delta.EndCall) endCall = true;
                if (delta.Text.Length == 0) continue;
                if (first)
                {
                    call.Turns.LlmFirstToken();
                    first = false;
                }
                await PushAsync(new LlmTextFrame(delta.Text), FrameDirection.Downstream, ct);
            }
        }
        catch (Exception e) when (e is ProviderUnavailableException or ProviderException)
        {
            Apology.Say(call, e, Push);
            return;
        }
        Push(new LlmResponseEndFrame());
        if (endCall) Push(new EndFrame("agent_hang_up"));
    }
}
