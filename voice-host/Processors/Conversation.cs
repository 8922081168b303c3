using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// The messages of a call, as the LLM sees them. User and assistant turns are appended as they happen; a round of
/// tool calls keeps the place it was asked for in (<see cref="ToolRound"/>), so its results land right after the
/// calls even when the caller spoke while the tools ran.
/// </summary>
public sealed class Conversation(string systemPrompt)
{
    private readonly Lock _gate = new();

    // A ChatMessage, or a ToolRound (skipped until it is complete).
    private readonly List<object> _entries = string.IsNullOrWhiteSpace(systemPrompt) ? [] : [new ChatMessage(ChatMessage.System, systemPrompt)];

    public void Add(string role, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        lock (_gate)
        {
            // Sentences of one reply become one assistant message.
            if (_entries.Count > 0 && _entries[^1] is ChatMessage { Role: ChatMessage.Assistant, ToolCalls: null } last && role == ChatMessage.Assistant)
            {
                _entries[^1] = last with { Content = (last.Content + " " + text.Trim()).Trim() };
            }
            else
            {
                _entries.Add(new ChatMessage(role, text.Trim()));
            }
        }
    }

    /// <summary>Reserves the place of a round of tool calls, now, at the end of the conversation.</summary>
    public ToolRound BeginToolRound()
    {
        var round = new ToolRound();
        lock (_gate) _entries.Add(round);
        return round;
    }

    /// <summary>Fills a round: the assistant's calls, then one tool message per call, in the calls' order.</summary>
    public void CompleteToolRound(ToolRound round, IReadOnlyList<ToolCallRequest> calls, IReadOnlyList<ChatMessage> results)
    {
        lock (_gate) round.Messages = [new ChatMessage(ChatMessage.Assistant, "") { ToolCalls = calls }, .. results];
    }

    public IReadOnlyList<ChatMessage> Snapshot()
    {
        lock (_gate)
        {
            var messages = new List<ChatMessage>(_entries.Count + 2);
            foreach (var entry in _entries)
            {
                if (entry is ChatMessage m) messages.Add(m);
                else if (entry is ToolRound { Messages: { } round }) messages.AddRange(round);
            }
            return messages;
        }
    }
}
