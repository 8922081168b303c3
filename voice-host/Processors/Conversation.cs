using Microsoft.Extensions.Logging;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>The messages of a call, as the LLM sees them. User and assistant turns are appended as they happen.</summary>
public sealed class Conversation(string systemPrompt)
{
    private readonly Lock _gate = new();
    private readonly List<ChatMessage> _messages = string.IsNullOrWhiteSpace(systemPrompt) ? [] : [new ChatMessage(ChatMessage.System, systemPrompt)];

    public void Add(string role, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        lock (_gate)
        {
            // Sentences of one reply become one assistant message.
            if (_messages.Count > 0 && _messages[^1].Role == role && role == ChatMessage.Assistant)
            {
                _messages[^1] = _messages[^1] with { Content = _messages[^1].Content + " " + text.Trim() };
            }
            else
            {
                _messages.Add(new ChatMessage(role, text.Trim()));
            }
        }
    }

    public IReadOnlyList<ChatMessage> Snapshot()
    {
        lock (_gate) return _messages.ToArray();
    }
}
