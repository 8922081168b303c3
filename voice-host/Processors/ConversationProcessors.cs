using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The user side of the conversation: speaks the agent's first message when the call starts, and turns each
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
                if (call.Agent.FirstMessage is { Length: > 0 } first)
                {
                    Push(new LlmResponseStartFrame());
                    Push(new TextFrame(first, Interlocked.Increment(ref _sentenceIds)));
                    Push(new LlmResponseEndFrame());
                }
                return ValueTask.CompletedTask;
            case TranscriptionFrame t:
                call.Conversation.Add(ChatMessage.User, t.Text);
                Push(new LlmRunFrame(call.Conversation.Snapshot()));
                return ValueTask.CompletedTask;
        }
        return base.ProcessFrameAsync(frame, direction, ct);
    }
}

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

/// <summary>Keeps the transcript turns of a call, with times on the call's timeline.</summary>
public static class TranscriptLog
{
    public static void Add(CallContext call, string speaker, string text, DateTimeOffset startedAt, DateTimeOffset? endedAt = null)
    {
        var end = endedAt ?? call.Time.GetUtcNow();
        lock (call.Transcript)
        {
            call.Transcript.Add(new Core.Domain.TranscriptTurn
            {
                Speaker = speaker,
                Text = text,
                StartMs = Math.Max(0, call.ElapsedMs(startedAt)),
                EndMs = Math.Max(0, call.ElapsedMs(end)),
            });
        }
    }
}
