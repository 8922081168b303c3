using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The assistant side, after the output: only what the caller actually heard enters the conversation, so after a
/// barge-in the context holds the played part of the reply and not the rest.
/// </summary>
public sealed class AssistantContextProcessor(CallContext call) : FrameProcessor(call.Log)
{
    public List<SpokenTextFrame> Spoken { get; } = [];

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        if (frame is SpokenTextFrame spoken)
        {
            Spoken.Add(spoken);
            call.Conversation.Add(ChatMessage.Assistant, spoken.Text);
            return ValueTask.CompletedTask;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }
}
