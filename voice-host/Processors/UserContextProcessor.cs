using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Pipeline.Frames;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The user side of the conversation: speaks the agent's first message (rendered over the call's variables) when the call starts, and turns each
/// final transcript into a user message and a request for the LLM's reply.
/// </summary>
public sealed class UserContextProcessor(CallContext call) : FrameProcessor(call.Log)
{
    private long _sentenceIds = 1_000_000;

    protected override ValueTask ProcessFrameAsync(Frame frame, FrameDirection direction, CancellationToken ct)
    {
        switch (frame)
        {
            case StartFrame start:
                Push(start);
                if ((call.Greeting?.Text ?? CallTemplateModel.Render(call, call.Agent.FirstMessage)) is { Length: > 0 } first)
                {
                    Push(new LlmResponseStartFrame());
                    Push(new TextFrame(first, Interlocked.Increment(ref _sentenceIds)));
                    Push(new LlmResponseEndFrame());
                }
                return ValueTask.CompletedTask;
            case TranscriptionFrame t:
                call.Conversation.Add(ChatMessage.User, t.Text);
                Push(t);
                Push(new LlmRunFrame(call.Conversation.Snapshot()));
                return ValueTask.CompletedTask;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }
}
